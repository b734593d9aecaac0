-- Replays a plan the bench wrote, one line per request, the threads taking every n-th line:
--   C <TAB> path          confirm: POST the mailed link's form (the button on the page)
--   S <TAB> path <TAB> t <TAB> n <TAB> spelling   sign again as signer (t, n)
-- Consecutive lines go out on different connections at once: a re-submission next to the
-- same person's confirmation races it. Args: plan-file sessions-file marker threads [pause-ms]
package.path = os.getenv("BENCH_WRK_LIB") .. "/?.lua;" .. package.path
local common = require("common")

local threads, created = {}, 0
function setup(thread)
  created = created + 1
  thread:set("tid", created)
  threads[#threads + 1] = thread
end

local plan, sessions, marker, pause, position
sent, answered, statuses, first_sent, last_answer, done_at, planned = 0, 0, {}, 0, 0, 0, 0

function init(args)
  sessions, marker, pause = common.sessions(args[2]), args[3], tonumber(args[5] or "0")
  local threads_total = tonumber(args[4])
  plan = {}
  local index = 0
  for line in io.lines(args[1]) do
    if index % threads_total == tid - 1 then plan[#plan + 1] = line end
    index = index + 1
  end
  planned, position = #plan, 0
end

function delay()
  if position >= planned then return 3600 * 1000 end
  return pause
end

local verified = false
function request()
  -- wrk calls request() once in its first thread before any connection, only to look at it:
  -- that call must not use up a signer or a line of the plan.
  if tid == 1 and not verified then
    verified = true
    return wrk.format("GET", "/_bare/")
  end
  position = position + 1
  sent = sent + 1
  if first_sent == 0 then first_sent = common.now() end
  local line = plan[math.min(position, planned)]
  local session = sessions[sent % #sessions + 1]
  local kind, path, t, n, spelling = line:match("^(%a)\t([^\t]+)\t?([^\t]*)\t?([^\t]*)\t?([^\t]*)$")
  if kind == "S" then
    return common.post(path, session, common.signing_body(session, t, tonumber(n), tonumber(spelling)))
  end
  return common.post(path, session, common.form({{"csrf_token", session.token}}))
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  last_answer = common.now()
  if answered == sent and position >= planned and done_at == 0 then
    done_at = last_answer
    common.finished(marker, tid)
  end
end

function done(summary, latency, requests)
  common.report(threads, {"sent", "answered", "planned", "statuses", "first_sent", "last_answer", "tid"},
                summary, latency)
end
