// Second self-test design: a 256 x 16 table in block RAM, read every cycle
// and accumulated (the shape of a LUT-GEMV bank: write tables, then look up
// and add). Exercises the BRAM path of the bitstream validation.
module ramacc (
    input  wire        clk,
    input  wire        rst,
    input  wire        we,
    input  wire [7:0]  waddr,
    input  wire [15:0] wdata,
    input  wire        en,
    input  wire [7:0]  raddr,
    output reg  [23:0] acc
);
    reg [15:0] mem [0:255];
    reg [15:0] rdata;
    reg        en_q;
    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        rdata <= mem[raddr];
        en_q <= en & ~rst;
        if (rst) acc <= 24'd0;
        else if (en_q) acc <= acc + {{8{rdata[15]}}, rdata};
    end
endmodule
