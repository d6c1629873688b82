-- One measured phase of one bench target, driven by Debian's wrk (bench/run.py runs it).
--
--   wrk -t T -c C -d CAP -s bench/wrk/target.lua URL -- CONFIG SECONDS FIRST_N
--
-- CONFIG is a Lua file run.py writes: it returns the target's requests (``variants``,
-- rotated per request: one per resident for the orders), the status every reply must have
-- (``expect``) and what its body must hold (``body``: exactly these bytes; ``items`` and
-- ``item_key``: a JSON array holding ``item_key`` exactly ``items`` times, one per item).
-- A body template's "{n}" is the request number (FIRST_N + the thread's offset + its own
-- count: unique across threads and phases) and "{thread}" the wrk thread's number.
--
-- Each thread sends for SECONDS (the monotonic clock, through LuaJIT's ffi), then sends no
-- more (``delay``) and, once its last reply is in, prints DRAINED: run.py stops wrk with
-- SIGINT when every thread has, so no request is cut off in flight and every row the
-- server writes is one whose reply was counted. ``done`` prints one RESULT line of JSON
-- (bench/run.py's parse_wrk_output reads it): the replies per status, those right and wrong
-- (with a few samples), wrk's socket errors, the seconds from the first request to the last
-- reply, and wrk's latency quantiles.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])

local CLOCK_MONOTONIC = 1
local DRAINED = "minsheng-bench drained"
local RESULT = "minsheng-bench result "
local IDLE_MS = 3600000 -- "never" once the phase is over: wrk is stopped long before
local THREAD_STRIDE = 10000000 -- request numbers each thread has for itself
local SAMPLES = 5
local QUANTILES = 200 -- 0.5 %, 1 %, … 100 %: p50 and p99 among them

local clock = ffi.new("bench_timespec")
local function now()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
    return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

-- main state: the threads, to gather their tallies in done() ---------------------------------

local threads = {}

function setup(thread)
    thread:set("thread_no", #threads)
    table.insert(threads, thread)
end

-- each thread's state ---------------------------------------------------------------------------

local cfg, seconds, first_n, deadline, drained
local sent, in_flight = 0, 0

-- Globals, as done() reads them through thread:get(): the replies per status, those that
-- were right and wrong, a few wrong ones, and when the first request and last reply were.
statuses, ok, bad, samples = {}, 0, 0, {}
started, finished = nil, nil

function init(args)
    cfg = dofile(args[1])
    seconds = tonumber(args[2])
    first_n = tonumber(args[3]) + thread_no * THREAD_STRIDE
end

function delay()
    local t = now()
    if not started then
        -- wrk called request() once before the run, to check it: count from here on.
        started, deadline = t, t + seconds
        sent, in_flight = 0, 0
    end
    if t < deadline then
        return 0
    end
    if in_flight == 0 and not drained then
        drained = true
        io.stdout:write(DRAINED, "\n")
        io.stdout:flush()
    end
    return IDLE_MS
end

function request()
    local variants = cfg.variants
    local variant = variants[sent % #variants + 1]
    local body = nil
    if variant.bodies then
        local template = variant.bodies[math.floor(sent / #variants) % #variant.bodies + 1]
        body = template:gsub("{n}", tostring(first_n + sent)):gsub("{thread}", tostring(thread_no))
    end
    sent = sent + 1
    in_flight = in_flight + 1
    return wrk.format(variant.method, variant.path, variant.headers, body)
end

local function count(haystack, needle)
    local found, at = 0, 1
    while true do
        local s, e = haystack:find(needle, at, true)
        if not s then
            return found
        end
        found, at = found + 1, e + 1
    end
end

local function body_ok(body)
    if cfg.body then
        return body == cfg.body
    end
    if cfg.items then
        return body:sub(1, 1) == "[" and body:sub(-1) == "]"
            and count(body, cfg.item_key) == cfg.items
    end
    return true
end

function response(status, headers, body)
    in_flight = in_flight - 1
    finished = now()
    statuses[status] = (statuses[status] or 0) + 1
    if status == cfg.expect and body_ok(body) then
        ok = ok + 1
    else
        bad = bad + 1
        if #samples < SAMPLES then
            table.insert(samples, status .. " " .. body:sub(1, 200))
        end
    end
end

-- main state: one line of JSON ------------------------------------------------------------------

local function quote(s)
    local escaped = s:gsub('[%c"\\]', function(c)
        return string.format("\\u%04x", c:byte())
    end)
    return '"' .. escaped .. '"'
end

local function object(t)
    local parts = {}
    for key, value in pairs(t) do
        table.insert(parts, quote(tostring(key)) .. ": " .. value)
    end
    return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
    local tally = { ok = 0, bad = 0 }
    local all_statuses, all_samples = {}, {}
    local first, last = math.huge, 0
    for _, thread in ipairs(threads) do
        tally.ok = tally.ok + thread:get("ok")
        tally.bad = tally.bad + thread:get("bad")
        for status, n in pairs(thread:get("statuses")) do
            all_statuses[status] = (all_statuses[status] or 0) + n
        end
        for _, sample in ipairs(thread:get("samples")) do
            table.insert(all_samples, quote(sample))
        end
        first = math.min(first, thread:get("started") or math.huge)
        last = math.max(last, thread:get("finished") or 0)
    end
    -- wrk's latency percentiles (microseconds) every half per cent: run.py pools the rounds'
    -- quantiles, weighted by their replies, before taking percentiles of a whole target.
    local quantiles = {}
    if summary.requests > 0 then
        for i = 1, QUANTILES - 1 do
            table.insert(quantiles, latency:percentile(100 * i / QUANTILES))
        end
        table.insert(quantiles, latency.max) -- wrk's percentile(100) is 0
    end
    local e = summary.errors
    io.stdout:write(RESULT, "{",
        '"ok": ', tally.ok, ', "bad": ', tally.bad,
        ', "statuses": ', object(all_statuses),
        ', "socket_errors": ', object({
            connect = e.connect, read = e.read, write = e.write, timeout = e.timeout,
        }),
        ', "seconds": ', string.format("%.6f", last > first and last - first or 0),
        ', "samples": [', table.concat(all_samples, ", "), "]",
        ', "latency_us": [', table.concat(quantiles, ", "), "]",
        "}\n")
end
