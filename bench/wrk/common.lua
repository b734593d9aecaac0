-- Shared by the wrk scripts of bench/petitions_signing.py: a wall clock, form encoding, the
-- sessions file, the signers' addresses, and the JSON the bench reads back from wrk's stdout.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local M = {}

-- CLOCK_REALTIME, so deadlines and times compare with the bench's time.time()
function M.now()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function M.encode(value)
  return (tostring(value):gsub("[^%w%-%._~ ]", function(c)
    return string.format("%%%02X", string.byte(c))
  end):gsub(" ", "+"))
end

function M.form(fields)
  local parts = {}
  for _, pair in ipairs(fields) do
    parts[#parts + 1] = pair[1] .. "=" .. M.encode(pair[2])
  end
  return table.concat(parts, "&")
end

-- Lines "cookie<TAB>csrf token": one browser session each (the bench fetched the sign page).
function M.sessions(path)
  local sessions = {}
  for line in io.lines(path) do
    local cookie, token = line:match("^(.-)\t(.*)$")
    if cookie then sessions[#sessions + 1] = {cookie = cookie, token = token} end
  end
  assert(#sessions > 0, "no sessions in " .. path)
  return sessions
end

-- Signer n of thread t, spelt three ways that are one person for the app (identity.py):
-- 0 as is, 1 in mixed case (gmail.com as GoogleMail.com), 2 with a +tag (and, at gmail.com,
-- a dot). The bench parses the person back from the address the mail went to.
local DOMAINS = {"gmail.com", "web.de", "example.org", "posteo.de"}
function M.address(t, n, spelling)
  local domain = DOMAINS[n % #DOMAINS + 1]
  local localpart = "s" .. t .. "x" .. n
  if spelling == 1 then
    localpart = "S" .. t .. "X" .. n
    domain = domain == "gmail.com" and "GoogleMail.com" or domain:upper()
  elseif spelling == 2 then
    if domain == "gmail.com" then localpart = "s" .. t .. ".x" .. n end
    localpart = localpart .. "+petition"
  end
  return localpart .. "@" .. domain
end

local SHOWN = {"full", "initials", "hidden"}
local FIRST = {"Anna", "Jonas", "Mehmet", "Lena", "Chen", "Sophie", "Luca", "Marta"}
function M.signing_body(session, t, n, spelling)
  return M.form({
    {"csrf_token", session.token},
    {"name", FIRST[n % #FIRST + 1] .. " Beispiel-" .. t .. "-" .. n},
    {"email", M.address(t, n, spelling)},
    -- most from Leipzig (04...), some from elsewhere: counted apart from the quorum
    {"postcode", n % 5 == 0 and "10115" or string.format("04%03d", 100 + n % 260)},
    {"name_shown", SHOWN[n % #SHOWN + 1]},
    {"privacy_consent", "y"},
    {"website", ""},
  })
end

function M.post(path, session, body)
  return wrk.format("POST", path, {
    ["Cookie"] = session.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "text/html",
    ["User-Agent"] = "participation-bench",
  }, body)
end

local function json(value)
  local kind = type(value)
  if kind == "table" then
    local parts = {}
    for k, v in pairs(value) do
      parts[#parts + 1] = string.format("%q", tostring(k)) .. ":" .. json(v)
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif kind == "number" then
    return string.format("%.6f", value)
  elseif kind == "boolean" then
    return tostring(value)
  elseif value == nil then
    return "null"
  end
  return string.format("%q", tostring(value))
end
M.json = json

-- wrk's own figures, and each thread's globals named in `names`, as one JSON line.
function M.report(threads, names, summary, latency)
  local out = {
    duration_s = summary.duration / 1e6, requests = summary.requests,
    errors = {connect = summary.errors.connect, read = summary.errors.read, write = summary.errors.write,
              status = summary.errors.status, timeout = summary.errors.timeout},
    latency_ms = {p50 = latency:percentile(50) / 1000, p95 = latency:percentile(95) / 1000,
                  p99 = latency:percentile(99) / 1000, max = latency.max / 1000},
    threads = {},
  }
  for i, thread in ipairs(threads) do
    local values = {}
    for _, name in ipairs(names) do values[name] = thread:get(name) end
    out.threads[tostring(i)] = values
  end
  io.write("BENCH-JSON " .. json(out) .. "\n")
end

-- The thread has nothing left to send and every answer is in: tell the bench (it ends wrk).
function M.finished(marker, tid)
  local file = io.open(marker .. "." .. tid, "w")
  if file then file:write("done\n"); file:close() end
end

return M
