// Tiny int8 multiply-accumulate: the FPGA flow's self-test design, so that
// fpga/ can be exercised before (and independently of) the real units.
// acc <= rst ? 0 : en ? acc + a*b : acc   (signed, wraps at ACC_W bits)
module mac8 #(
    parameter ACC_W = 20
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    en,
    input  wire signed [7:0]       a,
    input  wire signed [7:0]       b,
    output reg  signed [ACC_W-1:0] acc
);
    wire signed [15:0] prod = a * b;
    always @(posedge clk) begin
        if (rst)
            acc <= {ACC_W{1'b0}};
        else if (en)
            acc <= acc + {{(ACC_W-16){prod[15]}}, prod};
    end
endmodule
