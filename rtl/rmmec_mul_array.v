// The one shared significand multiplier: a 13x13 array of partial-product bits
// whose cross-lane terms are masked per mode, so the same array yields
//   mode P16      : one 13x13 product            p[25:0]
//   mode P8       : two 6x6 products  (a[5:0]*b[5:0] -> p[11:0], a[12:7]*b[12:7] -> p[25:14])
//   mode FP4 / P4 : four 2x2 products (a[3k+1:3k]*b[3k+1:3k] -> p[6k+3:6k], k = 0..3)
// Lane operands sit at bit offsets 0/7 (dual) and 0/3/6/9 (quad); the unused
// gap bits keep the lane products from overlapping (no carries cross lanes).
module rmmec_mul_array (
    input  wire [1:0]  split,   // 0: single 13x13, 1: dual 6x6, 2: quad 2x2
    input  wire [12:0] a,
    input  wire [12:0] b,
    output wire [25:0] p
);
    localparam W = 13;

    // Bits of a that belong to the same lane as bit j of b.
    function [W-1:0] lane_mask;
        input [1:0] s;
        input integer j;
        begin
            if (s == 2'd0)
                lane_mask = {W{1'b1}};
            else if (s == 2'd1)
                lane_mask = (j <= 5) ? 13'h003F : (j >= 7) ? 13'h1F80 : 13'h0000;
            else
                lane_mask = ((j % 3) != 2 && j < 11) ? (13'h0003 << (3 * (j / 3))) : 13'h0000;
        end
    endfunction

    wire [2*W-1:0] row [0:W-1];
    genvar j;
    generate
        for (j = 0; j < W; j = j + 1) begin : g_row
            wire [W-1:0] m = (split == 2'd0) ? lane_mask(2'd0, j)
                           : (split == 2'd1) ? lane_mask(2'd1, j) : lane_mask(2'd2, j);
`ifdef RMMEC_FAULT_PP
            // Fault injection for the co-simulation's negative test
            // (sim/rmmec.mk, rmmec-cosim-rtl-fault): partial product a[0]&b[0] (lane 0 of every mode) stuck at 0.
            wire [W-1:0] pp = a & m & {W{b[j]}} & ((j == 0) ? ~13'h0001 : {W{1'b1}});
`else
            wire [W-1:0] pp = a & m & {W{b[j]}};
`endif
            assign row[j] = {{W{1'b0}}, pp} << j;
        end
    endgenerate

    // Sum of the masked rows (the synthesis tool builds the adder tree).
    reg [2*W-1:0] acc;
    integer r;
    always @* begin
        acc = 0;
        for (r = 0; r < W; r = r + 1) acc = acc + row[r];
    end
    assign p = acc;
endmodule
