// Reference single-format MAC: posit(8,0) x2 lanes with their own 6x6
// multipliers, 32-bit quire8 (SoftPosit rules, lanes applied in order), sticky
// NaR; same pipeline and readout as rmmec.v. For the area comparison only.
module ref_mac_p8 (
    input  wire        clk, rst_n, en,
    input  wire        in_valid,
    input  wire [1:0]  in_op, in_fmt,
    input  wire [15:0] in_a, in_b,
    output reg         res_valid,
    output wire [31:0] res_data
);
    wire [1:0] na, nb, za, zb, sa, sb;
    wire [5:0] ga [0:1], gb [0:1];
    wire signed [3:0] ca [0:1], cb [0:1];
    genvar k;
    generate for (k = 0; k < 2; k = k + 1) begin : g_l
        rmmec_posit_dec #(.N(8), .ES(0), .SW(6), .SCW(4)) da (.p(in_a[8*k+7:8*k]), .nar(na[k]),
            .zero(za[k]), .sign(sa[k]), .scale(ca[k]), .sig(ga[k]));
        rmmec_posit_dec #(.N(8), .ES(0), .SW(6), .SCW(4)) db (.p(in_b[8*k+7:8*k]), .nar(nb[k]),
            .zero(zb[k]), .sign(sb[k]), .scale(cb[k]), .sig(gb[k]));
    end endgenerate
    wire unused = &{1'b0, za, zb};

    reg v1, v2, v3, v4;
    reg [1:0] op1, fmt1, op2, fmt2, fmt3;
    reg [11:0] p1 [0:1];
    reg [4:0] sh1 [0:1];     // 0..24
    reg [1:0] s1;
    reg nar1, nar2, acc_nar, snap_nar;
    reg [31:0] d2 [0:1];
    reg [31:0] acc, snap;
    integer l;
    always @(posedge clk) if (en) begin
        for (l = 0; l < 2; l = l + 1) begin
            p1[l] <= ga[l] * gb[l];
            sh1[l] <= ca[l] + cb[l] + 5'sd12;
        end
        s1 <= sa ^ sb;
        nar1 <= |{na, nb};
        op1 <= in_op; fmt1 <= in_fmt;
    end
    /* verilator lint_off UNUSEDSIGNAL */
    wire [35:0] w0 = {24'd0, p1[0]} << sh1[0];
    wire [35:0] w1 = {24'd0, p1[1]} << sh1[1];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0] m0 = {6'd0, w0[35:10]}, m1 = {6'd0, w1[35:10]};
    always @(posedge clk) if (en) begin
        d2[0] <= s1[0] ? (~m0 + 1'b1) : m0;
        d2[1] <= s1[1] ? (~m1 + 1'b1) : m1;
        nar2 <= nar1; op2 <= op1; fmt2 <= fmt1;
        if (v2) begin snap <= acc; snap_nar <= acc_nar; fmt3 <= fmt2; end
    end
    wire [31:0] sa0 = acc + d2[0];
    wire [31:0] sa1 = (sa0 == 32'h80000000) ? 32'd0 : sa0;
    wire [31:0] sb0 = sa1 + d2[1];
    wire [31:0] sb1 = (sb0 == 32'h80000000) ? 32'd0 : sb0;
    always @(posedge clk or negedge rst_n)
        if (!rst_n) begin
            v1 <= 0; v2 <= 0; v3 <= 0; v4 <= 0; res_valid <= 0; acc <= 0; acc_nar <= 0;
        end else if (en) begin
            v1 <= in_valid; v2 <= v1; v3 <= v2 && op2[1]; v4 <= v3; res_valid <= v4;
            if (v2) begin
                if (op2[0]) begin acc <= 32'd0; acc_nar <= 1'b0; end
                else if (op2 == 2'd0) begin
                    if (nar2 || acc_nar) acc_nar <= 1'b1;
                    else acc <= sb1;
                end
            end
        end
    rmmec_readout #(.ACC_W(32)) u_rd (.clk(clk), .en(en), .mode(2'd2), .fmt(fmt3), .acc(snap),
        .nar(snap_nar), .res(res_data));
endmodule
