// Rounds a normalized value (-1)^sign * 1.frac * 2^scale (plus a sticky bit for
// the bits below frac) to posit(N,ES): round to nearest even on the posit bit
// string, saturating to maxpos / minpos (never to zero or NaR).
module rmmec_posit_enc #(
    parameter N   = 16,
    parameter ES  = 1,
    parameter FW  = 25,     // fraction bits supplied
    parameter SCW = 9       // signed scale width
) (
    input  wire                  sign,
    input  wire                  zero,
    input  wire                  nar,
    input  wire signed [SCW-1:0] scale,
    input  wire [FW-1:0]         frac,
    input  wire                  sticky,
    output wire [N-1:0]          p
);
    localparam integer MAXSC = (N - 2) << ES;
    localparam signed [SCW-1:0] MAXS = MAXSC[SCW-1:0];
    localparam signed [SCW-1:0] MINS = -MAXS;
    localparam SW = 2 + ES + FW;          // regime seed + exponent + fraction
    localparam KW = SCW;

    wire signed [KW-1:0] k = scale >>> ES;                 // floor(scale / 2^ES)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [ES:0] e;    // e[ES] only pads the ES = 0 case
    /* verilator lint_on UNUSEDSIGNAL */
    generate
        if (ES > 0) begin : g_e
            assign e = {1'b0, scale[ES-1:0]};
        end else begin : g_ne
            assign e = 1'b0;
        end
    endgenerate

    // Seed "10" (k >= 0) or "01" (k < 0), arithmetic shift right to grow the run.
    wire k_neg = k[KW-1];
    wire [KW-1:0] shamt = k_neg ? (~k) : k;                 // k or -k-1
    wire [SW-1:0] seed;
    generate
        if (ES > 0) begin : g_seed_e
            assign seed = {~k_neg, k_neg, e[ES-1:0], frac};
        end else begin : g_seed_ne
            assign seed = {~k_neg, k_neg, frac};
        end
    endgenerate
    wire signed [SW+N-1:0] ext = $signed({seed, {N{1'b0}}}) >>> shamt;

    wire [N-2:0] body  = ext[SW+N-1 -: N-1];
    wire         guard = ext[SW+N-1-(N-1)];
    wire         rest  = |ext[SW+N-1-N:0] | sticky;
    wire         up    = guard & (rest | body[0]);
    wire [N-2:0] mag   = body + {{(N-2){1'b0}}, up};

    wire [N-2:0] sat_mag = (scale > MAXS) ? {(N-1){1'b1}}
                         : (scale < MINS) ? {{(N-2){1'b0}}, 1'b1} : mag;
    wire [N-1:0] pos = {1'b0, sat_mag};
    assign p = nar ? {1'b1, {(N-1){1'b0}}} : zero ? {N{1'b0}} : (sign ? (~pos + 1'b1) : pos);
endmodule
