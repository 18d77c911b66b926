// Reference single-format MAC: posit(16,1) x1 with its own 13x13 multiplier,
// 128-bit quire16 (SoftPosit rules), sticky NaR; same pipeline and readout as
// rmmec.v. For the area comparison only.
module ref_mac_p16 (
    input  wire        clk, rst_n, en,
    input  wire        in_valid,
    input  wire [1:0]  in_op, in_fmt,
    input  wire [15:0] in_a, in_b,
    output reg         res_valid,
    output wire [31:0] res_data
);
    wire na, nb, za, zb, sa, sb;
    wire [12:0] ga, gb;
    wire signed [6:0] ca, cb;
    rmmec_posit_dec #(.N(16), .ES(1), .SW(13), .SCW(7)) da (.p(in_a), .nar(na), .zero(za), .sign(sa),
        .scale(ca), .sig(ga));
    rmmec_posit_dec #(.N(16), .ES(1), .SW(13), .SCW(7)) db (.p(in_b), .nar(nb), .zero(zb), .sign(sb),
        .scale(cb), .sig(gb));
    wire unused = &{1'b0, za, zb};

    reg v1, v2, v3, v4;
    reg [1:0] op1, fmt1, op2, fmt2, fmt3;
    reg [25:0] p1;
    reg [6:0] sh1;           // 0..112
    reg s1, nar1, nar2, acc_nar, snap_nar;
    reg [127:0] d2, acc, snap;
    always @(posedge clk) if (en) begin
        p1 <= ga * gb;
        sh1 <= ca + cb + 7'sd56;
        s1 <= sa ^ sb;
        nar1 <= na | nb;
        op1 <= in_op; fmt1 <= in_fmt;
    end
    /* verilator lint_off UNUSEDSIGNAL */
    wire [137:0] w = {112'd0, p1} << sh1;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [127:0] m = {14'd0, w[137:24]};
    always @(posedge clk) if (en) begin
        d2 <= s1 ? (~m + 1'b1) : m;
        nar2 <= nar1; op2 <= op1; fmt2 <= fmt1;
        if (v2) begin snap <= acc; snap_nar <= acc_nar; fmt3 <= fmt2; end
    end
    wire [127:0] s0 = acc + d2;
    wire [127:0] sfix = (s0 == {1'b1, 127'd0}) ? 128'd0 : s0;
    always @(posedge clk or negedge rst_n)
        if (!rst_n) begin
            v1 <= 0; v2 <= 0; v3 <= 0; v4 <= 0; res_valid <= 0; acc <= 0; acc_nar <= 0;
        end else if (en) begin
            v1 <= in_valid; v2 <= v1; v3 <= v2 && op2[1]; v4 <= v3; res_valid <= v4;
            if (v2) begin
                if (op2[0]) begin acc <= 128'd0; acc_nar <= 1'b0; end
                else if (op2 == 2'd0) begin
                    if (nar2 || acc_nar) acc_nar <= 1'b1;
                    else acc <= sfix;
                end
            end
        end
    rmmec_readout #(.ACC_W(128)) u_rd (.clk(clk), .en(en), .mode(2'd3), .fmt(fmt3), .acc(snap),
        .nar(snap_nar), .res(res_data));
endmodule
