// The "separate units" alternative to rmmec.v with the same ports and
// behaviour: one single-format MAC per mode (FP4, P4, P8, P16), each with its
// own multipliers and accumulator, commands routed by in_mode. Co-simulated
// against golden like rmmec.v, synthesized for the area comparison.
module ref_mac_bank (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [1:0]  in_op,
    input  wire [1:0]  in_mode,
    input  wire [1:0]  in_fmt,
    input  wire [15:0] in_a,
    input  wire [15:0] in_b,
    output wire        res_valid,
    input  wire        res_ready,
    output wire [31:0] res_data
);
    wire [3:0] rv;
    wire [31:0] rd [0:3];
    wire en = !res_valid || res_ready;
    assign in_ready = en;
    wire [3:0] sel = {in_mode == 2'd3, in_mode == 2'd2, in_mode == 2'd1, in_mode == 2'd0};
    // All units share the advance, so results leave in command order and at
    // most one unit holds a result at a time.
    ref_mac_fp4 u_fp4 (.clk(clk), .rst_n(rst_n), .en(en), .in_valid(in_valid & sel[0]), .in_op(in_op),
        .in_fmt(in_fmt), .in_a(in_a), .in_b(in_b), .res_valid(rv[0]), .res_data(rd[0]));
    ref_mac_p4 u_p4 (.clk(clk), .rst_n(rst_n), .en(en), .in_valid(in_valid & sel[1]), .in_op(in_op),
        .in_fmt(in_fmt), .in_a(in_a), .in_b(in_b), .res_valid(rv[1]), .res_data(rd[1]));
    ref_mac_p8 u_p8 (.clk(clk), .rst_n(rst_n), .en(en), .in_valid(in_valid & sel[2]), .in_op(in_op),
        .in_fmt(in_fmt), .in_a(in_a), .in_b(in_b), .res_valid(rv[2]), .res_data(rd[2]));
    ref_mac_p16 u_p16 (.clk(clk), .rst_n(rst_n), .en(en), .in_valid(in_valid & sel[3]), .in_op(in_op),
        .in_fmt(in_fmt), .in_a(in_a), .in_b(in_b), .res_valid(rv[3]), .res_data(rd[3]));
    assign res_valid = |rv;
    assign res_data = (rv[0] ? rd[0] : 32'd0) | (rv[1] ? rd[1] : 32'd0) | (rv[2] ? rd[2] : 32'd0)
                    | (rv[3] ? rd[3] : 32'd0);
endmodule
