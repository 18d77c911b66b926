// Drives fpga_top (the scan-wrapped unit: RTL, or the netlist recovered from
// the bitstream) with a trace of unit cycles and compares every output bit
// the trace cares about. The trace comes from the unit's golden model
// (fpga/trace/<unit>_trace.c); each line is one unit cycle:
//     <inputs hex> <expected outputs hex> <care mask hex>
// with the expected outputs read right after that cycle's rising uclk edge.
// Stops at the first mismatch, printing the cycle's inputs and both results.
// Protocol: see fpga/scripts/gen_wrapper.py.
// Plusargs: +trace=FILE (required), +vcd=FILE (waveform), +quiet.
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
    wire [W-1:0] sdo;

    fpga_top dut (.sclk(sclk), .uclk(uclk), .shift(shift), .load(load), .sdi(sdi), .sdo(sdo));

    reg [IL-1:0] iv, prev_iv;
    reg [OL-1:0] ev, mv, prev_ev, prev_mv, got;
    integer fd, rc, line, checked, k, t;
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
                #1;
                if (t < NO) got[t * W +: W] = sdo;
                sclk_pulse;
            end
            shift = 0;
        end
    endtask

    task compare_prev;
        begin
            if (have_prev) begin
                if (((got ^ prev_ev) & prev_mv) != 0) begin
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
        line = 0; checked = 0; have_prev = 0; got = 0;
        while (!$feof(fd)) begin
            rc = $fscanf(fd, "%h %h %h\n", iv, ev, mv);
            if (rc == 3) begin
                scan(iv);             // this cycle's inputs in, last cycle's outputs out
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
        $display("PASS: %0d unit cycles, all cared-for output bits equal to golden", checked);
        $finish;
    end
endmodule
