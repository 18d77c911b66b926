// Decodes one 16-bit operand word into the lanes of the current mode and places
// the lane significands where the shared multiplier array expects them.
// Word layout (lane 0 in the low bits):
//   FP4 / P4 : lane k = w[4k+3:4k], k = 0..3      P8 : lane k = w[8k+7:8k]     P16 : w
// Modes: 0 FP4 (E2M1), 1 P4 = posit(4,1), 2 P8 = posit(8,0), 3 P16 = posit(16,1).
module rmmec_operand_dec (
    input  wire [1:0]  mode,
    input  wire [15:0] w,
    output reg  [12:0] opnd,      // array operand (lane significands at offsets 0/3/6/9, 0/7 or 0)
    output reg  [3:0]  sign,      // lane signs (lane 0 in bit 0)
    output reg         nar,       // some lane is NaR (posit modes)
    output wire signed [6:0] sc16,   // P16 scale, -28..28
    output wire signed [3:0] sc8_0,  // P8 scales, -6..6
    output wire signed [3:0] sc8_1,
    output reg  [19:0] scq        // quad lanes, 5 bits each: P4 scale (-4..4) or FP4 biased exponent (1..3)
);
    localparam FP4 = 2'd0, P4 = 2'd1, P8 = 2'd2;

    // P16
    wire n16, z16, s16;
    wire [12:0] g16;
    rmmec_posit_dec #(.N(16), .ES(1), .SW(13), .SCW(7)) u_p16 (
        .p(w), .nar(n16), .zero(z16), .sign(s16), .scale(sc16), .sig(g16));

    // P8 x2
    wire [1:0] n8, z8, s8;
    wire [5:0] g8_0, g8_1;
    rmmec_posit_dec #(.N(8), .ES(0), .SW(6), .SCW(4)) u_p8_0 (
        .p(w[7:0]), .nar(n8[0]), .zero(z8[0]), .sign(s8[0]), .scale(sc8_0), .sig(g8_0));
    rmmec_posit_dec #(.N(8), .ES(0), .SW(6), .SCW(4)) u_p8_1 (
        .p(w[15:8]), .nar(n8[1]), .zero(z8[1]), .sign(s8[1]), .scale(sc8_1), .sig(g8_1));

    // P4 x4 and FP4 x4
    wire [3:0] n4, z4, s4, sf;
    wire [3:0] g4;
    wire signed [4:0] sc4 [0:3];
    wire [1:0] gf [0:3];
    wire [1:0] ef [0:3];
    genvar k;
    generate
        for (k = 0; k < 4; k = k + 1) begin : g_quad
            rmmec_posit_dec #(.N(4), .ES(1), .SW(1), .SCW(5)) u_p4 (
                .p(w[4*k+3:4*k]), .nar(n4[k]), .zero(z4[k]), .sign(s4[k]), .scale(sc4[k]), .sig(g4[k]));
            rmmec_fp4_dec u_fp4 (.x(w[4*k+3:4*k]), .sign(sf[k]), .sig(gf[k]), .ex(ef[k]));
        end
    endgenerate

    integer l;
    always @* begin
        opnd = 13'd0;
        scq = 20'd0;
        case (mode)
            FP4: begin
                for (l = 0; l < 4; l = l + 1) begin
                    opnd[3*l +: 2] = gf[l];
                    scq[5*l +: 5] = {3'b000, ef[l]};
                end
                sign = sf;
                nar = 1'b0;
            end
            P4: begin
                for (l = 0; l < 4; l = l + 1) begin
                    opnd[3*l +: 2] = {1'b0, g4[l]};
                    scq[5*l +: 5] = sc4[l];
                end
                sign = s4;
                nar = |n4;
            end
            P8: begin
                opnd[5:0] = g8_0;
                opnd[12:7] = g8_1;
                sign = {2'b00, s8};
                nar = |n8;
            end
            default: begin
                opnd = g16;
                sign = {3'b000, s16};
                nar = n16;
            end
        endcase
    end

    // Zero flags are implied by a zero significand.
    wire unused = &{1'b0, z16, z8, z4};
endmodule
