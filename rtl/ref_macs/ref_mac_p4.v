// Reference single-format MAC: posit(4,1) x4 lanes (significands are 1, so a
// lane product is an AND), 32-bit fixed point (lsb 2^-8), sticky NaR; same
// pipeline and readout as rmmec.v. For the area comparison only.
module ref_mac_p4 (
    input  wire        clk, rst_n, en,
    input  wire        in_valid,
    input  wire [1:0]  in_op, in_fmt,
    input  wire [15:0] in_a, in_b,
    output reg         res_valid,
    output wire [31:0] res_data
);
    wire [3:0] na, nb, za, zb, sa, sb, ga, gb;
    wire signed [4:0] ca [0:3], cb [0:3];
    genvar k;
    generate for (k = 0; k < 4; k = k + 1) begin : g_l
        rmmec_posit_dec #(.N(4), .ES(1), .SW(1), .SCW(5)) da (.p(in_a[4*k+3:4*k]), .nar(na[k]),
            .zero(za[k]), .sign(sa[k]), .scale(ca[k]), .sig(ga[k]));
        rmmec_posit_dec #(.N(4), .ES(1), .SW(1), .SCW(5)) db (.p(in_b[4*k+3:4*k]), .nar(nb[k]),
            .zero(zb[k]), .sign(sb[k]), .scale(cb[k]), .sig(gb[k]));
    end endgenerate
    wire unused = &{1'b0, za, zb};

    reg v1, v2, v3, v4;
    reg [1:0] op1, fmt1, op2, fmt2, fmt3;
    reg [3:0] p1, s1;
    reg [19:0] sh1;          // 4 x 5-bit shifts (0..16)
    reg nar1, nar2, acc_nar, snap_nar;
    reg [31:0] d2, acc, snap;
    integer l;
    always @(posedge clk) if (en) begin
        for (l = 0; l < 4; l = l + 1) sh1[5*l +: 5] <= ca[l] + cb[l] + 5'sd8;
        p1 <= ga & gb;
        s1 <= sa ^ sb;
        nar1 <= |{na, nb};
        op1 <= in_op; fmt1 <= in_fmt;
    end
    reg [31:0] sum, m;
    always @* begin
        sum = 32'd0;
        for (l = 0; l < 4; l = l + 1) begin
            m = {31'd0, p1[l]} << sh1[5*l +: 5];
            sum = sum + (s1[l] ? (~m + 1'b1) : m);
        end
    end
    always @(posedge clk) if (en) begin
        d2 <= sum; nar2 <= nar1; op2 <= op1; fmt2 <= fmt1;
        if (v2) begin snap <= acc; snap_nar <= acc_nar; fmt3 <= fmt2; end
    end
    always @(posedge clk or negedge rst_n)
        if (!rst_n) begin
            v1 <= 0; v2 <= 0; v3 <= 0; v4 <= 0; res_valid <= 0; acc <= 0; acc_nar <= 0;
        end else if (en) begin
            v1 <= in_valid; v2 <= v1; v3 <= v2 && op2[1]; v4 <= v3; res_valid <= v4;
            if (v2) begin
                if (op2[0]) begin acc <= 32'd0; acc_nar <= 1'b0; end
                else if (op2 == 2'd0) begin
                    if (nar2 || acc_nar) acc_nar <= 1'b1;
                    else acc <= acc + d2;
                end
            end
        end
    rmmec_readout #(.ACC_W(32)) u_rd (.clk(clk), .en(en), .mode(2'd1), .fmt(fmt3), .acc(snap),
        .nar(snap_nar), .res(res_data));
endmodule
