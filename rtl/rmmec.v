// RMMEC: reconfigurable-mantissa posit/FP4 SIMD multiply-accumulate unit.
// One command per accepted cycle (in_valid & in_ready):
//   op 0 ACC   : acc += sum over lanes of a_lane * b_lane (exact)
//   op 1 CLEAR : acc = 0, NaR cleared
//   op 2 READ  : result of acc rounded to fmt appears on res_data (res_valid)
//   op 3 READ_CLEAR : READ, then CLEAR
// mode travels with each command (keep it constant between clears):
//   0 FP4 E2M1 x4, 1 P4 = posit(4,1) x4, 2 P8 = posit(8,0) x2, 3 P16 = posit(16,1) x1.
// Accumulators: FP4 / P4 32-bit two's complement fixed point with 2 / 8
// fraction bits (wraps mod 2^32); P8 32-bit quire8 (lsb 2^-12), P16 128-bit
// quire16 (lsb 2^-56), both SoftPosit-compatible. NaR in any lane (posit
// modes) makes the accumulator NaR until CLEAR.
// Pipeline: decode + shared multiplier | align + lane sum | accumulate |
// normalize | round -> res. The whole pipe stalls while a result waits
// (res_valid & !res_ready).
module rmmec #(
    // SoftPosit's quire fdp_add maps a sum that lands on the NaR pattern to 0.
    parameter QUIRE_NAR_SUM_TO_ZERO = 1,
    // 1: the one shared masked 13x13 array. 0: separate 13x13, 2 x 6x6 and
    // 4 x 2x2 multipliers, muxed (only to measure what the sharing saves).
    parameter SHARED_MUL = 1
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [1:0]  in_op,
    input  wire [1:0]  in_mode,
    input  wire [1:0]  in_fmt,
    input  wire [15:0] in_a,
    input  wire [15:0] in_b,
    output reg         res_valid,
    input  wire        res_ready,
    output wire [31:0] res_data
);
    localparam OP_ACC = 2'd0, OP_CLEAR = 2'd1, OP_READ = 2'd2, OP_READ_CLEAR = 2'd3;
    localparam FP4 = 2'd0, P8 = 2'd2, P16 = 2'd3;   // (P4 = 2'd1)

    wire adv = !res_valid || res_ready;
    assign in_ready = adv;

    // ---------------- stage 1: decode both operands, shared multiplier
    wire [12:0] oa, ob;
    wire [3:0]  sga, sgb;
    wire        nra, nrb;
    wire signed [6:0] s16a, s16b;
    wire signed [3:0] s8a0, s8a1, s8b0, s8b1;
    wire [19:0] sqa, sqb;
    rmmec_operand_dec u_da (.mode(in_mode), .w(in_a), .opnd(oa), .sign(sga), .nar(nra),
        .sc16(s16a), .sc8_0(s8a0), .sc8_1(s8a1), .scq(sqa));
    rmmec_operand_dec u_db (.mode(in_mode), .w(in_b), .opnd(ob), .sign(sgb), .nar(nrb),
        .sc16(s16b), .sc8_0(s8b0), .sc8_1(s8b1), .scq(sqb));

    wire [1:0] split = (in_mode == P16) ? 2'd0 : (in_mode == P8) ? 2'd1 : 2'd2;
    wire [25:0] prod;
    generate
        if (SHARED_MUL != 0) begin : g_shared
            rmmec_mul_array u_mul (.split(split), .a(oa), .b(ob), .p(prod));
        end else begin : g_separate
            wire [25:0] p13 = oa * ob;
            wire [11:0] p6_0 = oa[5:0] * ob[5:0];
            wire [11:0] p6_1 = oa[12:7] * ob[12:7];
            wire [3:0] p2 [0:3];
            genvar q;
            for (q = 0; q < 4; q = q + 1) begin : g_q
                assign p2[q] = oa[3*q +: 2] * ob[3*q +: 2];
            end
            assign prod = (split == 2'd0) ? p13
                        : (split == 2'd1) ? {p6_1, 2'b00, p6_0}
                        : {4'b0000, p2[3], 2'b00, p2[2], 2'b00, p2[1], 2'b00, p2[0]};
        end
    endgenerate

    // Left-shift amounts that place each lane product on the accumulator grid.
    wire [6:0] sh16 = s16a + s16b + 7'sd56;                           // 0..112
    wire [4:0] sh8_0 = s8a0 + s8b0 + 5'sd12;                          // 0..24
    wire [4:0] sh8_1 = s8a1 + s8b1 + 5'sd12;
    reg  [19:0] shq;                                                  // 0..4 (FP4) / 0..16 (P4)
    integer l;
    always @* begin
        for (l = 0; l < 4; l = l + 1)
            shq[5*l +: 5] = (in_mode == FP4) ? (sqa[5*l +: 5] + sqb[5*l +: 5] - 5'd2)
                                              : (sqa[5*l +: 5] + sqb[5*l +: 5] + 5'd8);
    end

    reg        v1;
    reg [1:0]  op1, mode1, fmt1;
    reg [25:0] prod1;
    reg [3:0]  sg1;
    reg        nar1;
    reg [6:0]  sh16_1;
    reg [4:0]  sh8_0_1, sh8_1_1;
    reg [19:0] shq1;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) v1 <= 1'b0;
        else if (adv) v1 <= in_valid;
    end
    always @(posedge clk) if (adv) begin
        op1 <= in_op; mode1 <= in_mode; fmt1 <= in_fmt;
        prod1 <= prod;
        sg1 <= sga ^ sgb;
        nar1 <= (in_mode != FP4) && (nra || nrb);
        sh16_1 <= sh16;
        sh8_0_1 <= sh8_0; sh8_1_1 <= sh8_1;
        shq1 <= shq;
    end

    // ---------------- stage 2: align lane products, sum the lanes
    // The low bits shifted out below the accumulator lsb are always zero.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [137:0] w16 = {112'd0, prod1} << sh16_1;
    wire [113:0] m16 = w16[137:24];
    wire [35:0] w8_0 = {24'd0, prod1[11:0]} << sh8_0_1;
    wire [35:0] w8_1 = {24'd0, prod1[25:14]} << sh8_1_1;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0] m8_0 = {6'd0, w8_0[35:10]};
    wire [31:0] m8_1 = {6'd0, w8_1[35:10]};
    reg  [31:0] sum_q;
    reg  [31:0] mq;
    always @* begin
        sum_q = 32'd0;
        for (l = 0; l < 4; l = l + 1) begin
            mq = {12'd0, ({16'd0, prod1[6*l +: 4]} << shq1[5*l +: 5])};
            sum_q = sum_q + (sg1[l] ? (~mq + 1'b1) : mq);
        end
    end
    // P8 keeps its two lane products apart: SoftPosit applies them to the
    // quire one after the other (see stage 3).
    wire [31:0] d8_0 = sg1[0] ? (~m8_0 + 1'b1) : m8_0;
    wire [31:0] d8_1 = sg1[1] ? (~m8_1 + 1'b1) : m8_1;
    wire [127:0] d16 = sg1[0] ? (~{14'd0, m16} + 1'b1) : {14'd0, m16};
    wire [31:0] d32 = (mode1 == P8) ? d8_0 : sum_q;

    reg         v2;
    reg [1:0]   op2, mode2, fmt2;
    reg [127:0] delta2;
    reg [31:0]  delta2_l1;      // P8 lane 1
    reg         nar2;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) v2 <= 1'b0;
        else if (adv) v2 <= v1;
    end
    always @(posedge clk) if (adv) begin
        op2 <= op1; mode2 <= mode1; fmt2 <= fmt1; nar2 <= nar1;
        delta2 <= (mode1 == P16) ? d16 : {{96{d32[31]}}, d32};
        delta2_l1 <= (mode1 == P8) ? d8_1 : 32'd0;
    end

    // ---------------- stage 3: accumulate
    reg  [127:0] acc;
    reg          acc_nar;
    // The quires (P8, P16) follow SoftPosit: a sum that lands exactly on the
    // NaR pattern becomes 0. In P8 this is checked after each lane, as two
    // sequential quire8 fdp_adds would. FP4 / P4 simply wrap modulo 2^32.
    wire         qfix = (QUIRE_NAR_SUM_TO_ZERO != 0) && (mode2 == P8 || mode2 == P16);
    wire [127:0] sum128 = acc + delta2;
    wire [31:0]  sum_a = (qfix && sum128[31:0] == 32'h80000000) ? 32'd0 : sum128[31:0];
    wire [31:0]  sum_b = sum_a + delta2_l1;
    wire [31:0]  sum_b_fix = (qfix && sum_b == 32'h80000000) ? 32'd0 : sum_b;
    wire [127:0] sum_fix = (mode2 == P16) ? ((qfix && sum128 == {1'b1, 127'd0}) ? 128'd0 : sum128)
                                          : {{96{sum_b_fix[31]}}, sum_b_fix};

    reg         v3;
    reg [1:0]   mode3, fmt3;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            v3 <= 1'b0;
            acc <= 128'd0;
            acc_nar <= 1'b0;
        end else if (adv) begin
            v3 <= v2 && (op2 == OP_READ || op2 == OP_READ_CLEAR);
            if (v2) begin
                if (op2 == OP_CLEAR || op2 == OP_READ_CLEAR) begin
                    acc <= 128'd0;
                    acc_nar <= 1'b0;
                end else if (op2 == OP_ACC) begin
                    if (nar2 || acc_nar) acc_nar <= 1'b1;
                    else acc <= sum_fix;
                end
            end
        end
    end
    // READ takes a snapshot of the accumulator before a READ_CLEAR clears it.
    reg [127:0] snap;
    reg         snap_nar;
    always @(posedge clk) if (adv && v2) begin
        mode3 <= mode2; fmt3 <= fmt2;
        snap <= acc; snap_nar <= acc_nar;
    end

    // ---------------- stages 4-5: readout (normalize, round)
    reg v4;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            v4 <= 1'b0;
            res_valid <= 1'b0;
        end else if (adv) begin
            v4 <= v3;
            res_valid <= v4;
        end
    end
    rmmec_readout #(.ACC_W(128)) u_rd (
        .clk(clk), .en(adv), .mode(mode3), .fmt(fmt3), .acc(snap), .nar(snap_nar), .res(res_data));
endmodule
