// Shift-MAC GEMV engine: y[r] = sum_k W[r][k] * x[k], W signed powers of two
// (4-bit codes {s, e}, W = (-1)^s * 2^(7-e), golden/shiftmac.h), x int8,
// y int32, exact (no multipliers: barrel shifters + adder trees).
// A sibling of rtl/ternary_gemv.v with the same ports and timing.
//
// Buffers (written by the host through the load ports while idle):
//   weight buffer: WDEPTH words of LANES*KTILE 4-bit codes. Word
//     g*n_tiles + t holds rows g*LANES .. g*LANES+LANES-1, columns
//     t*KTILE .. t*KTILE+KTILE-1: code of W[g*LANES+l][t*KTILE+j] in bits
//     [4(l*KTILE+j)+3 : 4(l*KTILE+j)].
//   activation buffer: XDEPTH words of KTILE int8; word t, bits [8j+7:8j]
//     hold x[t*KTILE+j].
// Run: set n_groups (row groups of LANES rows), n_tiles (K tiles per row),
// k_len (K; columns >= k_len are masked, so padding may hold anything),
// pulse start. One weight word (LANES*KTILE weights) is consumed per cycle.
// For each row group, y_valid pulses once with y_group = g and y_data lane l
// (bits [32l+31:32l]) = y[g*LANES+l]. done rises after the last group and
// stays high until the next start. All 16 codes are valid (no err output).
// Latency: the last group's results come n_groups*n_tiles + 2 cycles after
// the cycle start is seen (issue -> tile sums -> accumulate).
// FAULT: mutation hook passed to every lane (see shiftmac_dot_tile.v); 0 = none.
`default_nettype none

module shiftmac_gemv #(
    parameter integer LANES  = 8,      // rows in parallel
    parameter integer KTILE  = 16,     // columns per cycle per lane (power of two)
    parameter integer WDEPTH = 2048,   // weight buffer words
    parameter integer XDEPTH = 64,     // activation buffer words (K max = XDEPTH*KTILE)
    parameter integer FAULT  = 0,
    parameter integer WAW    = $clog2(WDEPTH),
    parameter integer XAW    = $clog2(XDEPTH),
    parameter integer KW     = $clog2(XDEPTH*KTILE+1)
) (
    input  wire                      clk,
    input  wire                      rst,          // synchronous, active high
    // load ports
    input  wire                      w_we,
    input  wire [WAW-1:0]            w_addr,
    input  wire [4*LANES*KTILE-1:0]  w_wdata,
    input  wire                      x_we,
    input  wire [XAW-1:0]            x_addr,
    input  wire [8*KTILE-1:0]        x_wdata,
    // run
    input  wire [WAW:0]              n_groups,     // 1..WDEPTH (n_groups*n_tiles <= WDEPTH)
    input  wire [XAW:0]              n_tiles,      // 1..XDEPTH
    input  wire [KW-1:0]             k_len,        // 1..n_tiles*KTILE
    input  wire                      start,
    output reg                       busy,
    output reg                       done,
    // results
    output reg                       y_valid,
    output reg  [WAW-1:0]            y_group,
    output reg  [32*LANES-1:0]       y_data
);
    localparam integer LOGK = $clog2(KTILE);
    localparam integer SW   = 16 + LOGK;

    reg [4*LANES*KTILE-1:0] wmem [0:WDEPTH-1];
    reg [8*KTILE-1:0]       xmem [0:XDEPTH-1];

    always @(posedge clk) begin
        if (w_we) wmem[w_addr] <= w_wdata;
        if (x_we) xmem[x_addr] <= x_wdata;
    end

    // ---- issue: walk (group, tile), one buffer read per cycle
    reg  [WAW-1:0] g_cnt, w_ptr;
    reg  [XAW-1:0] t_cnt;
    reg  [KW-1:0]  k_base;             // t_cnt * KTILE, kept by addition
    reg            issuing;
    wire           t_last = ({1'b0, t_cnt} == n_tiles - 1'b1);
    wire           g_last = ({1'b0, g_cnt} == n_groups - 1'b1);

    // stage 1: buffer outputs + control
    reg [4*LANES*KTILE-1:0] w_q;
    reg [8*KTILE-1:0]       x_q;
    reg                     v1, first1, last1;
    reg [WAW-1:0]           g1;
    reg [LOGK:0]            nval1;
    wire [KW-1:0]           k_left = k_len - k_base;

    always @(posedge clk) begin
        w_q <= wmem[w_ptr];
        x_q <= xmem[t_cnt];
        if (rst) begin
            issuing <= 1'b0;
            v1 <= 1'b0;
        end else begin
            v1 <= issuing;
            first1 <= (t_cnt == {XAW{1'b0}});
            last1 <= t_last;
            g1 <= g_cnt;
            nval1 <= (k_len <= k_base) ? {(LOGK+1){1'b0}}
                   : (k_left >= KTILE[KW-1:0]) ? KTILE[LOGK:0] : k_left[LOGK:0];
            if (start && !busy) begin
                issuing <= 1'b1;
                g_cnt <= {WAW{1'b0}};
                t_cnt <= {XAW{1'b0}};
                w_ptr <= {WAW{1'b0}};
                k_base <= {KW{1'b0}};
            end else if (issuing) begin
                w_ptr <= w_ptr + 1'b1;
                if (t_last) begin
                    t_cnt <= {XAW{1'b0}};
                    k_base <= {KW{1'b0}};
                    g_cnt <= g_cnt + 1'b1;
                    if (g_last) issuing <= 1'b0;
                end else begin
                    t_cnt <= t_cnt + 1'b1;
                    k_base <= k_base + KTILE[KW-1:0];
                end
            end
        end
    end

    // stage 2: per-lane barrel shifters + adder trees
    wire [SW*LANES-1:0] tile_sum;
    genvar l;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : lane
            shiftmac_dot_tile #(.KTILE(KTILE), .FAULT(FAULT)) dot (
                .codes(w_q[4*KTILE*l +: 4*KTILE]),
                .x(x_q),
                .n_valid(nval1),
                .sum(tile_sum[SW*l +: SW])
            );
        end
    endgenerate

    reg [SW*LANES-1:0] sum2;
    reg                v2, first2, last2;
    reg [WAW-1:0]      g2;
    always @(posedge clk) begin
        if (rst) v2 <= 1'b0;
        else v2 <= v1;
        sum2 <= tile_sum;
        first2 <= first1;
        last2 <= last1;
        g2 <= g1;
    end

    // stage 3: accumulate (32 bits: exact for K <= 2^16), emit a group after its last tile
    reg  [32*LANES-1:0] acc;
    wire [32*LANES-1:0] acc_next;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : accum
            wire [31:0] ext = {{(32-SW){sum2[SW*l+SW-1]}}, sum2[SW*l +: SW]};
            assign acc_next[32*l +: 32] = (first2 ? 32'd0 : acc[32*l +: 32]) + ext;
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            done <= 1'b0;
            y_valid <= 1'b0;
        end else begin
            y_valid <= 1'b0;
            if (start && !busy) begin
                busy <= 1'b1;
                done <= 1'b0;
            end
            if (v2) begin
                acc <= acc_next;
                if (last2) begin
                    y_valid <= 1'b1;
                    y_group <= g2;
                    y_data <= acc_next;
                    if (g2 == n_groups[WAW-1:0] - 1'b1) begin
                        busy <= 1'b0;
                        done <= 1'b1;
                    end
                end
            end
        end
    end
endmodule

`default_nettype wire
