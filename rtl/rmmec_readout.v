// Readout of the accumulator: one rounding of the exact fixed-point value to the
// selected output format.
//   fmt 0: posit of the mode (P4: p4e1, P8: p8e0, P16: p16e1) in res[N-1:0]
//   fmt 1: p16e1 in res[15:0]      fmt 2: fp32      fmt 3: bf16 in res[15:0]
// FP4 mode only has fp32 and bf16 (fmt 0/1 give 0). NaR -> posit NaR / quiet NaN.
// Two stages: normalize (sign-magnitude, leading-one detect, shift) and round.
module rmmec_readout #(
    parameter ACC_W = 128
) (
    input  wire             clk,
    input  wire             en,
    input  wire [1:0]       mode,       // acc lsb = 2^-F: FP4 F=2, P4 F=8, P8 F=12, P16 F=56
    input  wire [1:0]       fmt,
    input  wire [ACC_W-1:0] acc,        // two's complement
    input  wire             nar,
    output reg  [31:0]      res
);
    localparam LW = $clog2(ACC_W);
    // ---- stage A: normalize
    wire neg = acc[ACC_W-1];
    wire [ACC_W-1:0] mag = neg ? (~acc + 1'b1) : acc;
    reg [LW-1:0] msb;
    integer i;
    always @* begin
        msb = 0;
        for (i = 0; i < ACC_W; i = i + 1)
            if (mag[i]) msb = i[LW-1:0];
    end
    wire [ACC_W-1:0] norm = mag << (ACC_W - 1 - msb);
    reg [7:0] fbits;
    always @* begin
        case (mode)
            2'd0: fbits = 8'd2;
            2'd1: fbits = 8'd8;
            2'd2: fbits = 8'd12;
            default: fbits = 8'd56;
        endcase
    end

    reg        a_sign, a_zero, a_nar;
    reg [1:0]  a_mode, a_fmt;
    reg signed [8:0] a_scale;
    reg [25:0] a_top;      // leading one + 25 fraction bits
    reg        a_sticky;
    always @(posedge clk) if (en) begin
        a_sign   <= neg;
        a_zero   <= (mag == {ACC_W{1'b0}});
        a_nar    <= nar;
        a_mode   <= mode;
        a_fmt    <= fmt;
        a_scale  <= $signed({{(9-LW){1'b0}}, msb}) - $signed({1'b0, fbits});
        a_top    <= norm[ACC_W-1 -: 26];
        a_sticky <= |norm[ACC_W-27:0];
    end

    // ---- stage B: round to every format, select one
    wire [3:0]  r_p4;
    wire [7:0]  r_p8;
    wire [15:0] r_p16;
    rmmec_posit_enc #(.N(4), .ES(1), .FW(25), .SCW(9)) u_p4 (
        .sign(a_sign), .zero(a_zero), .nar(a_nar), .scale(a_scale),
        .frac(a_top[24:0]), .sticky(a_sticky), .p(r_p4));
    rmmec_posit_enc #(.N(8), .ES(0), .FW(25), .SCW(9)) u_p8 (
        .sign(a_sign), .zero(a_zero), .nar(a_nar), .scale(a_scale),
        .frac(a_top[24:0]), .sticky(a_sticky), .p(r_p8));
    rmmec_posit_enc #(.N(16), .ES(1), .FW(25), .SCW(9)) u_p16 (
        .sign(a_sign), .zero(a_zero), .nar(a_nar), .scale(a_scale),
        .frac(a_top[24:0]), .sticky(a_sticky), .p(r_p16));

    // IEEE binary32 / bfloat16: the accumulator range (2^-56 .. 2^127) is
    // always normal, so only the significand is rounded (RNE).
    wire        f_g   = a_top[1];
    wire        f_st  = a_top[0] | a_sticky;
    wire [24:0] f_sig = {1'b0, a_top[25:2]} + {24'd0, f_g & (f_st | a_top[2])};
    wire [7:0]  f_exp = a_scale[7:0] + 8'd127 + {7'd0, f_sig[24]};
    wire [22:0] f_man = f_sig[24] ? f_sig[23:1] : f_sig[22:0];
    wire [31:0] r_f32 = a_nar ? 32'h7FC00000 : a_zero ? 32'd0 : {a_sign, f_exp, f_man};

    wire        b_g   = a_top[17];
    wire        b_st  = |a_top[16:0] | a_sticky;
    wire [8:0]  b_sig = {1'b0, a_top[25:18]} + {8'd0, b_g & (b_st | a_top[18])};
    wire [7:0]  b_exp = a_scale[7:0] + 8'd127 + {7'd0, b_sig[8]};
    wire [6:0]  b_man = b_sig[8] ? b_sig[7:1] : b_sig[6:0];
    wire [15:0] r_bf  = a_nar ? 16'h7FC0 : a_zero ? 16'd0 : {a_sign, b_exp, b_man};

    always @(posedge clk) if (en) begin
        case (a_fmt)
            2'd0: res <= (a_mode == 2'd1) ? {28'd0, r_p4} : (a_mode == 2'd2) ? {24'd0, r_p8}
                       : (a_mode == 2'd3) ? {16'd0, r_p16} : 32'd0;
            2'd1: res <= (a_mode == 2'd0) ? 32'd0 : {16'd0, r_p16};
            2'd2: res <= r_f32;
            default: res <= {16'd0, r_bf};
        endcase
    end
endmodule
