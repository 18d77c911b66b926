// Posit(N,ES) decoder: value = (-1)^sign * sig * 2^(scale - (SW-1)).
// sig has the hidden bit at its MSB and the fraction left-aligned; it is 0 for
// zero and NaR so that a product with either is 0 without extra muxing.
module rmmec_posit_dec #(
    parameter N  = 16,
    parameter ES = 1,
    parameter SW = N - ES - 2,   // significand width incl. hidden bit (>= 1)
    parameter SCW = 8            // signed scale width
) (
    input  wire [N-1:0]         p,
    output wire                 nar,
    output wire                 zero,
    output wire                 sign,
    output reg  signed [SCW-1:0] scale,
    output wire [SW-1:0]        sig
);
    localparam RW = N - 1;       // bits after the sign
    assign sign = p[N-1];
    assign zero = (p == {N{1'b0}});
    assign nar  = (p == {1'b1, {(N-1){1'b0}}});

    /* verilator lint_off UNUSEDSIGNAL */
    wire [N-1:0] mag = sign ? (~p + 1'b1) : p;    // mag[N-1] only for NaR
    /* verilator lint_on UNUSEDSIGNAL */
    wire [RW-1:0] rem = mag[RW-1:0];
    wire run_bit = rem[RW-1];

    // Regime run length: count the leading bits equal to run_bit.
    reg [$clog2(RW+1)-1:0] run;
    reg stop;
    integer i;
    always @* begin
        run = 0;
        stop = 1'b0;
        for (i = RW - 1; i >= 0; i = i - 1) begin
            if (!stop && rem[i] == run_bit) run = run + 1'b1;
            else stop = 1'b1;
        end
    end

    // Drop the regime run and its terminator; exponent then fraction remain.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [RW-1:0] rest = ({1'b0, run} >= RW[$clog2(RW+1):0]) ? {RW{1'b0}} : (rem << (run + 1'b1));
    /* verilator lint_on UNUSEDSIGNAL */
    wire [ES:0] exp_bits;
    generate
        if (ES > 0) begin : g_es
            assign exp_bits = {1'b0, rest[RW-1 -: ES]};
        end else begin : g_noes
            assign exp_bits = 0;
        end
        if (SW > 1) begin : g_frac
            assign sig = (zero || nar) ? {SW{1'b0}} : {1'b1, rest[RW-1-ES -: SW-1]};
        end else begin : g_nofrac
            assign sig = (zero || nar) ? 1'b0 : 1'b1;
        end
    endgenerate

    always @* begin
        // k = run-1 for a run of ones, -run for a run of zeros; scale = k*2^ES + e
        if (run_bit)
            scale = (($signed({{(SCW-$clog2(RW+1)){1'b0}}, run}) - 1) <<< ES) + $signed({{(SCW-ES-1){1'b0}}, exp_bits});
        else
            scale = ((-$signed({{(SCW-$clog2(RW+1)){1'b0}}, run})) <<< ES) + $signed({{(SCW-ES-1){1'b0}}, exp_bits});
    end
endmodule
