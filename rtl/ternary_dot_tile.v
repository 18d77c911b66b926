// One lane's tile of a ternary dot product: sum_{j < KTILE} w_j * x_j with
// w_j in {-1, 0, +1} (2-bit codes 00 = 0, 01 = +1, 11 = -1, 10 = invalid,
// counted as 0 and flagged) and x_j int8. No multipliers: each term is
// +x, -x or 0 (a mux), summed by a binary adder tree. Positions j >= n_valid
// are masked to 0 so K need not be a multiple of KTILE.
`default_nettype none

module ternary_dot_tile #(
    parameter integer KTILE = 16,                 // weights per tile (power of two, >= 2)
    parameter integer LOGK  = $clog2(KTILE),
    parameter integer SW    = 9 + LOGK            // tile sum width: |sum| <= 128 * KTILE
) (
    input  wire [2*KTILE-1:0] codes,              // code j in bits [2j+1:2j]
    input  wire [8*KTILE-1:0] x,                  // int8 x_j in bits [8j+7:8j]
    input  wire [LOGK:0]      n_valid,            // valid positions 0..KTILE
    output wire signed [SW-1:0] sum,
    output wire               invalid             // some valid position held code 10
);
    reg signed [SW-1:0] node [0:KTILE-1];
    reg                 bad;
    integer j, w;

    always @* begin
        bad = 1'b0;
        for (j = 0; j < KTILE; j = j + 1) begin
            node[j] = {SW{1'b0}};
            if (j < n_valid) begin
                case (codes[2*j +: 2])
                    2'b01: node[j] = {{(SW-8){x[8*j+7]}}, x[8*j +: 8]};
`ifdef TERNARY_FAULT_NEG
                    // Fault injection for the co-simulation's negative test
                    // (sim/ternary.mk, ternary-cosim-rtl-fault): the last
                    // position adds x for a -1 weight instead of subtracting it.
                    2'b11: node[j] = (j == KTILE - 1) ? {{(SW-8){x[8*j+7]}}, x[8*j +: 8]}
                                                      : -{{(SW-8){x[8*j+7]}}, x[8*j +: 8]};
`else
                    2'b11: node[j] = -{{(SW-8){x[8*j+7]}}, x[8*j +: 8]};
`endif
                    2'b10: bad = 1'b1;
                    default: node[j] = {SW{1'b0}};
                endcase
            end
        end
        // In-place binary tree: at width w, node[i] = node[2i] + node[2i+1]
        // (node[2i], node[2i+1] are still the previous level's values).
        for (w = KTILE / 2; w >= 1; w = w / 2)
            for (j = 0; j < w; j = j + 1)
                node[j] = node[2*j] + node[2*j+1];
    end

    assign sum = node[0];
    assign invalid = bad;
endmodule

`default_nettype wire
