// pim_bank: one SRAM-PIM LUT-GEMV bank (after SAIL), checked against
// golden/lutgemv.h by sim/lutgemv_cosim.cpp.
//
// Table SRAM (single port, synchronous read, one word per cycle -> BRAM):
//   tmem[{row, grp, idx}] = sum_j idx[j] * w[row][grp*G + j]   (E-bit signed)
// Activation store: xmem[{token, grp}] = G activations of AB bits.
// Results: rmem[row] = NB accumulators of ACC bits (exact integer GEMV).
//
// Commands (cmd_valid && cmd_ready; cmd_ready is high only when idle):
//   OP_BUILD {row,grp}, data = G effective weights (WB-bit signed, weight j in
//            data[j*WB +: WB]): writes the 2^G entries in Gray-code order, one
//            adder, one entry per cycle; entry 0 in the accept cycle. 2^G cycles.
//   OP_LOADX {token,grp}, data = G activations (weight j's activation in
//            data[j*AB +: AB]). 1 cycle.
//   OP_RUN   GEMV on cfg_rows x cfg_groups*G for cfg_batch tokens with
//            (cfg_top_plane+1)-bit activations. Rows outer, bit planes MSB (sign,
//            weight -2^(b-1)) to LSB, groups inner; per (row, plane, grp) the
//            bank issues one table read per distinct index among the pending
//            tokens (cfg_pattern=1) or per token (cfg_pattern=0), and every
//            token holding that index accumulates it the next cycle
//            (acc = 2*acc at the first read of a plane: MSB-first Horner).
//            Cycles: 1 (accept) + lookups + 1 (drain). stat_lookups counts reads.
//            A config out of range (0, or above ROWS/GROUPS/NB) makes RUN a
//            1-cycle no-op with stat_lookups = 0 (results untouched).
//   OP_READ  {row,token}: rsp_valid/rsp_data one cycle later. 1 cycle.
// Padding: the host zero-fills weights and activations beyond K.
// Exact whenever E >= lutgemv_entry_bits() and ACC >= lutgemv_acc_bits() of
// the golden config (Horner accumulation is exact modulo 2^ACC); the
// harnesses check both before comparing.
`default_nettype none
module pim_bank #(
    parameter G      = 4,   // table group size g (2..8)
    parameter ROWS   = 8,   // rows per bank (power of 2, >= 2)
    parameter GROUPS = 4,   // table groups per row (power of 2, >= 2): K <= GROUPS*G
    parameter NB     = 4,   // batch tokens (power of 2, >= 2)
    parameter AB     = 8,   // largest activation width (power of 2)
    parameter WB     = 9,   // effective weight width (signed)
    parameter E      = 12,  // table entry width (signed, > WB)
    parameter ACC    = 24,  // accumulator width (signed)
    parameter RW = $clog2(ROWS), parameter GW = $clog2(GROUPS),
    parameter NW = $clog2(NB),   parameter PW = $clog2(AB),
    parameter AW = (GW > NW) ? RW + GW : RW + NW, // command address (row with grp or token)
    parameter DW = G * ((WB > AB) ? WB : AB)
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [RW:0]       cfg_rows,     // 1..ROWS
    input  wire [GW:0]       cfg_groups,   // 1..GROUPS
    input  wire [NW:0]       cfg_batch,    // 1..NB
    input  wire [PW-1:0]     cfg_top_plane, // activation bits - 1 (1..AB-1; 0 = 1-bit {-1,0})
    input  wire              cfg_pattern,  // 1: pattern-aware lookup
    input  wire              cmd_valid,
    output wire              cmd_ready,
    input  wire [2:0]        cmd_op,
    input  wire [AW-1:0]     cmd_addr,
    input  wire [DW-1:0]     cmd_data,
    output reg               rsp_valid,
    output wire [ACC-1:0]    rsp_data,
    output reg  [31:0]       stat_lookups
);
    localparam [2:0] OP_BUILD = 3'd1, OP_LOADX = 3'd2, OP_RUN = 3'd3, OP_READ = 3'd4;
    localparam [1:0] S_IDLE = 2'd0, S_BUILD = 2'd1, S_RUN = 2'd2, S_DRAIN = 2'd3;
    localparam TW = RW + GW + G;   // table address width

    reg [1:0] state;
    assign cmd_ready = (state == S_IDLE);
    wire accept = cmd_valid && cmd_ready;
    // 1 <= cfg <= max (max a power of 2: its MSB alone may be set).
    wire cfg_ok = (|cfg_rows) && !(cfg_rows[RW] && |cfg_rows[RW-1:0]) &&
                  (|cfg_groups) && !(cfg_groups[GW] && |cfg_groups[GW-1:0]) &&
                  (|cfg_batch) && !(cfg_batch[NW] && |cfg_batch[NW-1:0]);

    // ---------------- memories ----------------
    reg [E-1:0]      tmem [0:(1 << TW) - 1];
    reg [G*AB-1:0]   xmem [0:(1 << (NW + GW)) - 1];
    reg [NB*ACC-1:0] rmem [0:ROWS - 1];

    // One port: the build writes, the run reads (address decided this cycle,
    // data the next).
    reg  [TW-1:0] t_addr;
    reg           t_we;
    reg  [E-1:0]  t_wdata;
    reg  [E-1:0]  t_rdata;
    always @(posedge clk) begin
        if (t_we) tmem[t_addr] <= t_wdata;
        t_rdata <= tmem[t_addr];
    end

    // ---------------- table build (Gray-code walk, one adder) ----------------
    reg [G*WB-1:0]  b_w;        // latched weights
    reg [RW+GW-1:0] b_base;     // {row, grp}
    reg [G-1:0]     b_i;        // step count of the entry being written
    reg [E-1:0]     b_sum;      // value of entry gray(b_i)
    wire [G-1:0] b_gray = b_i ^ (b_i >> 1);
    wire [G-1:0] b_inext = b_i + 1'b1;
    wire [G-1:0] b_gnext = b_inext ^ (b_inext >> 1);
    wire [G-1:0] b_flip = b_gray ^ b_gnext;          // one-hot
    reg  [E-1:0] b_delta;
    integer j;
    always @* begin
        b_delta = {E{1'b0}};
        for (j = 0; j < G; j = j + 1)
            if (b_flip[j]) b_delta = {{(E - WB){b_w[j*WB + WB - 1]}}, b_w[j*WB +: WB]};
    end
    wire b_add = |(b_gnext & b_flip);
    wire [E-1:0] b_sum_next = b_add ? b_sum + b_delta : b_sum - b_delta;

    // ---------------- GEMV run ----------------
    reg [RW:0] r_rows; reg [GW:0] r_groups; reg [PW-1:0] r_top; reg r_pat;
    reg [NB-1:0] r_active;            // tokens < cfg_batch
    reg [RW-1:0] r_row;
    reg [GW-1:0] r_grp;
    reg [PW-1:0] r_p;
    reg [NB-1:0] r_pending;

    // Index of every token for the current (grp, plane).
    wire [NB*G-1:0] tok_idx;
    genvar gn, gj;
    generate
        for (gn = 0; gn < NB; gn = gn + 1) begin : g_tok
            localparam [NW-1:0] TOKN = gn;
            wire [G*AB-1:0] xw = xmem[{TOKN, r_grp}];
            for (gj = 0; gj < G; gj = gj + 1) begin : g_bit
                wire [AB-1:0] xj = xw[gj*AB +: AB];
                assign tok_idx[gn*G + gj] = xj[r_p];
            end
        end
    endgenerate

    reg [NW-1:0] n0;
    reg [G-1:0]  idx0;
    reg [NB-1:0] match;
    integer i;
    always @* begin
        n0 = {NW{1'b0}};
        for (i = NB - 1; i >= 0; i = i - 1)
            if (r_pending[i]) n0 = i[NW-1:0];
        idx0 = tok_idx[n0*G +: G];
        for (i = 0; i < NB; i = i + 1)
            match[i] = r_pending[i] && (r_pat ? (tok_idx[i*G +: G] == idx0) : (n0 == i[NW-1:0]));
    end
    wire [NB-1:0] pending_next = r_pending & ~match;
    wire last_grp   = ({1'b0, r_grp} == r_groups - 1'b1);
    wire last_plane = (r_p == {PW{1'b0}});
    wire last_row   = ({1'b0, r_row} == r_rows - 1'b1);
    wire group_done = (pending_next == {NB{1'b0}});
    wire row_done   = group_done && last_grp && last_plane;
    wire first_of_plane = (r_grp == {GW{1'b0}}) && (r_pending == r_active);
    
    // Stage 2 (the cycle after a read): shift-accumulate into the matched tokens.
    reg            s2_valid, s2_shift, s2_neg, s2_last;
    reg [NB-1:0]   s2_match;
    reg [RW-1:0]   s2_row;
    reg [ACC-1:0]  acc [0:NB-1];
    reg [NB*ACC-1:0] acc_next;
    wire [ACC-1:0] t_ext = {{(ACC - E){t_rdata[E-1]}}, t_rdata};
    wire [ACC-1:0] t_term = s2_neg ? (~t_ext + 1'b1) : t_ext;
    always @* begin
        for (i = 0; i < NB; i = i + 1)
            acc_next[i*ACC +: ACC] = (s2_shift ? {acc[i][ACC-2:0], 1'b0} : acc[i])
                                     + (s2_match[i] ? t_term : {ACC{1'b0}});
    end

    always @* begin
        t_we = 1'b0;
        t_wdata = b_sum_next;
        t_addr = {r_row, r_grp, idx0};
        if (state == S_IDLE && accept && cmd_op == OP_BUILD) begin
            t_we = 1'b1;
            t_wdata = {E{1'b0}};
            t_addr = {cmd_addr[RW+GW-1:0], {G{1'b0}}};
        end else if (state == S_BUILD) begin
            t_we = 1'b1;
            t_addr = {b_base, b_gnext};
        end
    end

    // ---------------- read port ----------------
    reg [NB*ACC-1:0] rd_word;
    reg [NW-1:0]     rd_tok;
    assign rsp_data = rd_word[rd_tok*ACC +: ACC] `ifdef PIM_FAULT_RSP ^ {{(ACC-4){1'b0}}, 4'b1000} `endif ;

    always @(posedge clk) begin
        rsp_valid <= 1'b0;
        s2_valid <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            stat_lookups <= 32'd0;
            for (i = 0; i < NB; i = i + 1) acc[i] <= {ACC{1'b0}};
        end else begin
            case (state)
            S_IDLE: if (accept) begin
                case (cmd_op)
                OP_BUILD: begin   // entry 0 (= 0) now, then 2^G - 1 more
                    b_w <= cmd_data[G*WB-1:0];
                    b_base <= cmd_addr[RW+GW-1:0];
                    b_i <= {G{1'b0}};
                    b_sum <= {E{1'b0}};
                    state <= S_BUILD;
                end
                OP_LOADX: xmem[{cmd_addr[NW+GW-1:GW], cmd_addr[GW-1:0]}] <= cmd_data[G*AB-1:0];
                OP_RUN: if (cfg_ok) begin
                    r_rows <= cfg_rows; r_groups <= cfg_groups; r_top <= cfg_top_plane;
                    r_pat <= cfg_pattern;
                    for (i = 0; i < NB; i = i + 1) begin
                        r_active[i] <= ({1'b0, i[NW-1:0]} < cfg_batch);
                        r_pending[i] <= ({1'b0, i[NW-1:0]} < cfg_batch);
                        acc[i] <= {ACC{1'b0}};
                    end
                    r_row <= {RW{1'b0}};
                    r_grp <= {GW{1'b0}};
                    r_p <= cfg_top_plane;
                    stat_lookups <= 32'd0;
                    state <= S_RUN;
                end else stat_lookups <= 32'd0;  // out-of-range config: RUN is a no-op
                OP_READ: begin
                    rd_word <= rmem[cmd_addr[RW+NW-1:NW]];
                    rd_tok <= cmd_addr[NW-1:0];
                    rsp_valid <= 1'b1;
                end
                default: ;
                endcase
            end
            S_BUILD: begin
                b_sum <= b_sum_next;
                b_i <= b_inext;
                if (b_inext == {G{1'b1}}) state <= S_IDLE;
            end
            S_RUN: begin
                // Stage 1: one table read for the first pending token's index.
                stat_lookups <= stat_lookups + 1'b1;
                s2_valid <= 1'b1;
                s2_match <= match;
                s2_shift <= first_of_plane;
                s2_neg <= (r_p == r_top);
                s2_last <= row_done;
                s2_row <= r_row;
                if (!group_done) r_pending <= pending_next;
                else begin
                    r_pending <= r_active;
                    if (!last_grp) r_grp <= r_grp + 1'b1;
                    else begin
                        r_grp <= {GW{1'b0}};
                        if (!last_plane) r_p <= r_p - 1'b1;
                        else begin
                            r_p <= r_top;
                            r_row <= r_row + 1'b1;
                            if (last_row) state <= S_DRAIN;
                        end
                    end
                end
            end
            default: state <= S_IDLE;  // S_DRAIN: stage 2 finishes the last read
            endcase

            if (s2_valid) begin
                for (i = 0; i < NB; i = i + 1)
                    acc[i] <= s2_last ? {ACC{1'b0}} : acc_next[i*ACC +: ACC];
                if (s2_last) rmem[s2_row] <= acc_next;
            end
        end
    end
endmodule
`default_nettype wire
