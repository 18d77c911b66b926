// One lane's tile of a shift-MAC dot product: sum_{j < KTILE} W_j * x_j with
// W_j = (-1)^s * 2^(7-e) given by a 4-bit code {s, e[2:0]} (golden/shiftmac.h)
// and x_j int8. No multipliers: each term is x_j shifted left by 7 - e (a
// barrel shifter; 7 - e = ~e on 3 bits), negated when s = 1, then a binary
// adder tree. Positions j >= n_valid are masked to 0 so K need not be a
// multiple of KTILE.
//
// FAULT (mutation hook for the co-sim's must-fail run; 0 in every real build):
//   1: the sign bit of position 0 is stuck at 0 (a weight bit fault)
//   2: the shifter shifts one place too far when e = 7 (a datapath fault)
`default_nettype none

module shiftmac_dot_tile #(
    parameter integer KTILE = 16,                 // weights per tile (power of two, >= 2)
    parameter integer FAULT = 0,
    parameter integer LOGK  = $clog2(KTILE),
    parameter integer SW    = 16 + LOGK           // tile sum width: |sum| <= 2^14 * KTILE
) (
    input  wire [4*KTILE-1:0] codes,              // code j in bits [4j+3:4j]
    input  wire [8*KTILE-1:0] x,                  // int8 x_j in bits [8j+7:8j]
    input  wire [LOGK:0]      n_valid,            // valid positions 0..KTILE
    output wire signed [SW-1:0] sum
);
    reg signed [SW-1:0] node [0:KTILE-1];
    reg signed [SW-1:0] xe;
    reg        [2:0]    sh;
    reg                 neg;
    integer j, w;

    always @* begin
        for (j = 0; j < KTILE; j = j + 1) begin
            xe  = {{(SW-8){x[8*j+7]}}, x[8*j +: 8]};
            sh  = ~codes[4*j +: 3];
            neg = codes[4*j+3];
            if (FAULT == 1 && j == 0) neg = 1'b0;
            if (FAULT == 2 && sh == 3'd0) sh = 3'd1;
            node[j] = xe <<< sh;
            if (neg) node[j] = -node[j];
            if (j >= n_valid) node[j] = {SW{1'b0}};
        end
        // In-place binary tree: at width w, node[i] = node[2i] + node[2i+1].
        for (w = KTILE / 2; w >= 1; w = w / 2)
            for (j = 0; j < w; j = j + 1)
                node[j] = node[2*j] + node[2*j+1];
    end

    assign sum = node[0];
endmodule

`default_nettype wire
