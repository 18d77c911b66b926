// Drives fpga_top (the scan-wrapped unit: RTL, or the netlist recovered from
// the bitstream) with a trace of unit cycles and compares every output bit
// the trace cares about. The trace comes from the unit's golden model
// (fpga/trace/<unit>_trace.c); each line is one unit cycle:
//     <inputs hex> <expected outputs hex> <care mask hex>
// with the expected outputs read right after that cycle's rising uclk edge.
// Stops at the first mismatch, printing the cycle's inputs and both results.
// Protocol: see fpga/scripts/gen_wrapper.py.
// Any X or Z on a cared-for output bit is a failure (case equality: a plain
// `!=` on an X operand yields X, which `if` takes as false, i.e. a pass).
// Plusargs: +trace=FILE (required), +vcd=FILE (waveform), +quiet,
//   +inject=x|z|x1 (negative test: force every sdo bit to X / Z, or one
//   cared-for output bit to X, while the outputs of the first checked cycle
//   with a non-zero care mask shift out; the run must then fail).
`timescale 1ns/1ps
module scan_tb;
`include "layout.vh"
    localparam W = `FPGA_W;
    localparam IL = `FPGA_IN_LEN;
    localparam OL = `FPGA_OUT_LEN;
    localparam NI = IL / W;
    localparam NO = OL / W;
    localparam NS = (NI > NO) ? NI : NO;

    reg sclk = 0, uclk = 0, shift = 0, load = 0;
    reg  [W-1:0] sdi = 0;
    wire [W-1:0] sdo_dut, sdo;

    fpga_top dut (.sclk(sclk), .uclk(uclk), .shift(shift), .load(load), .sdi(sdi), .sdo(sdo_dut));

    // Fault injection on the DUT's output pins (off unless +inject is given):
    // bits set in inj_mask read as inj_val (1'bx or 1'bz) instead of the DUT.
    reg [W-1:0] inj_mask = 0;
    reg inj_val = 1'bx;
    genvar gi;
    generate for (gi = 0; gi < W; gi = gi + 1) begin : inj
        assign sdo[gi] = inj_mask[gi] ? inj_val : sdo_dut[gi];
    end endgenerate
    reg [8*8-1:0] inject_mode;
    integer inj_state, inj_bit;   // 0 off, 1 armed, 2 this scan, 3 done

    reg [IL-1:0] iv, prev_iv;
    reg [OL-1:0] ev, mv, prev_ev, prev_mv, got;
    integer fd, rc, line, checked, k, t, xz_bits;
    reg [8*512-1:0] trace_name, vcd_name;
    reg have_prev;

    task sclk_pulse;
        begin #1 sclk = 1; #1 sclk = 0; end
    endtask

    // Shifts `next` in (chunk 0 first, after NS-NI padding chunks) while the
    // captured outputs shift out into `got` (chunk 0 first).
    task scan(input [IL-1:0] next);
        begin
            shift = 1;
            for (t = 0; t < NS; t = t + 1) begin
                sdi = (t >= NS - NI) ? next[(t - (NS - NI)) * W +: W] : {W{1'b0}};
                if (inj_state == 2 && t < NO)
                    inj_mask = (inject_mode == "x1") ? ((inj_bit / W == t) ? ({{(W-1){1'b0}}, 1'b1} << (inj_bit % W)) : 0)
                                                     : {W{1'b1}};
                #1;
                if (t < NO) got[t * W +: W] = sdo;
                inj_mask = 0;
                sclk_pulse;
            end
            shift = 0;
        end
    endtask

    task compare_prev;
        begin
            if (have_prev) begin
                if (^(got & prev_mv) === 1'bx) begin
                    xz_bits = 0;
                    for (k = 0; k < OL; k = k + 1)
                        if (prev_mv[k] && (got[k] === 1'bx || got[k] === 1'bz)) xz_bits = xz_bits + 1;
                    $display("FPGA-VALIDATE X/Z at trace line %0d (unit cycle %0d, 0-based): %0d cared-for output bits are X or Z",
                             line, line - 1, xz_bits);
                    show_ports(prev_iv, prev_ev, got, prev_mv);
                    $display("FAIL: %0d cycles matched before the first X/Z output", checked);
                    $fatal(1);
                end
                if (((got ^ prev_ev) & prev_mv) !== 0) begin
                    $display("FPGA-VALIDATE MISMATCH at trace line %0d (unit cycle %0d, 0-based)", line, line - 1);
                    show_ports(prev_iv, prev_ev, got, prev_mv);
                    $display("FAIL: %0d cycles matched before the first mismatch", checked);
                    $fatal(1);
                end
                checked = checked + 1;
            end
        end
    endtask

    initial begin
        if (!$value$plusargs("trace=%s", trace_name)) begin
            $display("scan_tb: +trace=FILE missing"); $fatal(1);
        end
        if ($value$plusargs("vcd=%s", vcd_name)) begin
            $dumpfile(vcd_name); $dumpvars(0, scan_tb);
        end
        fd = $fopen(trace_name, "r");
        if (fd == 0) begin $display("scan_tb: cannot open trace %0s", trace_name); $fatal(1); end
        line = 0; checked = 0; have_prev = 0; got = 0; inj_state = 0; inj_bit = 0;
        if ($value$plusargs("inject=%s", inject_mode)) begin
            if (inject_mode == "x" || inject_mode == "x1") inj_val = 1'bx;
            else if (inject_mode == "z") inj_val = 1'bz;
            else begin $display("scan_tb: +inject must be x, z or x1"); $fatal(1); end
            inj_state = 1;
        end
        while (!$feof(fd)) begin
            rc = $fscanf(fd, "%h %h %h\n", iv, ev, mv);
            if (rc == 3) begin
                if (inj_state == 1 && have_prev && prev_mv != 0) begin
                    inj_state = 2;
                    for (k = OL - 1; k >= 0; k = k - 1) if (prev_mv[k]) inj_bit = k;
                end
                scan(iv);             // this cycle's inputs in, last cycle's outputs out
                if (inj_state == 2) inj_state = 3;
                compare_prev;
                sclk_pulse;           // apply: in_hold <= in_sr
                #1 uclk = 1; #1;      // the unit's rising edge
                load = 1; sclk_pulse; load = 0;
                #1 uclk = 0;
                prev_iv = iv; prev_ev = ev; prev_mv = mv; have_prev = 1;
                line = line + 1;
            end else if (rc != -1) begin
                $display("scan_tb: malformed trace line %0d (fields read: %0d)", line + 1, rc); $fatal(1);
            end
        end
        scan({IL{1'b0}});
        compare_prev;
        $fclose(fd);
        if (checked == 0) begin $display("scan_tb: empty trace"); $fatal(1); end
        if (inj_state == 1) begin $display("scan_tb: +inject given but no cycle had a non-zero care mask"); $fatal(1); end
        $display("PASS: %0d unit cycles, all cared-for output bits equal to golden", checked);
        $finish;
    end
endmodule
