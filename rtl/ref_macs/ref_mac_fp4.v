// Reference single-format MAC: FP4 E2M1 x4 lanes with their own 2x2
// multipliers, 32-bit fixed-point accumulator (lsb 2^-2), the same pipeline
// (multiply | align | accumulate | normalize | round) and readout as rmmec.v.
// For the area comparison (rtl/README.md); en advances the whole pipe.
module ref_mac_fp4 (
    input  wire        clk, rst_n, en,
    input  wire        in_valid,
    input  wire [1:0]  in_op, in_fmt,
    input  wire [15:0] in_a, in_b,
    output reg         res_valid,
    output wire [31:0] res_data
);
    wire [3:0] sa, sb;
    wire [1:0] ga [0:3], gb [0:3], ea [0:3], eb [0:3];
    genvar k;
    generate for (k = 0; k < 4; k = k + 1) begin : g_l
        rmmec_fp4_dec da (.x(in_a[4*k+3:4*k]), .sign(sa[k]), .sig(ga[k]), .ex(ea[k]));
        rmmec_fp4_dec db (.x(in_b[4*k+3:4*k]), .sign(sb[k]), .sig(gb[k]), .ex(eb[k]));
    end endgenerate

    reg v1, v2, v3, v4;
    reg [1:0] op1, fmt1, op2, fmt2, fmt3;
    reg [15:0] p1;          // 4 x 4-bit lane products
    reg [11:0] sh1;         // 4 x 3-bit shifts (0..4)
    reg [3:0]  s1;
    reg [31:0] d2, acc, snap;
    integer l;
    always @(posedge clk) if (en) begin
        for (l = 0; l < 4; l = l + 1) begin
            p1[4*l +: 4] <= ga[l] * gb[l];
            sh1[3*l +: 3] <= {1'b0, ea[l]} + {1'b0, eb[l]} - 3'd2;
        end
        s1 <= sa ^ sb;
        op1 <= in_op; fmt1 <= in_fmt;
    end
    reg [31:0] sum, m;
    always @* begin
        sum = 32'd0;
        for (l = 0; l < 4; l = l + 1) begin
            m = {28'd0, p1[4*l +: 4]} << sh1[3*l +: 3];
            sum = sum + (s1[l] ? (~m + 1'b1) : m);
        end
    end
    always @(posedge clk) if (en) begin
        d2 <= sum; op2 <= op1; fmt2 <= fmt1;
        if (v2) begin snap <= acc; fmt3 <= fmt2; end
    end
    always @(posedge clk or negedge rst_n)
        if (!rst_n) begin
            v1 <= 0; v2 <= 0; v3 <= 0; v4 <= 0; res_valid <= 0; acc <= 0;
        end else if (en) begin
            v1 <= in_valid; v2 <= v1; v3 <= v2 && op2[1]; v4 <= v3; res_valid <= v4;
            if (v2) begin
                if (op2[0]) acc <= 32'd0;                  // CLEAR, READ_CLEAR
                else if (op2 == 2'd0) acc <= acc + d2;     // ACC
            end
        end
    rmmec_readout #(.ACC_W(32)) u_rd (.clk(clk), .en(en), .mode(2'd0), .fmt(fmt3), .acc(snap),
        .nar(1'b0), .res(res_data));
endmodule
