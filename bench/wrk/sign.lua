-- The signing load: every request a new signer, every DUPLICATE_EVERY-th one a signer of a
-- moment ago again, spelt another way. Until the deadline, then the thread waits for its last
-- answers and reports. Args: path sessions-file deadline(epoch s) duplicate-every marker
package.path = os.getenv("BENCH_WRK_LIB") .. "/?.lua;" .. package.path
local common = require("common")

local threads, created = {}, 0
function setup(thread)
  created = created + 1
  thread:set("tid", created)
  threads[#threads + 1] = thread
end

local path, sessions, deadline, duplicate_every, marker
sent, answered, persons, duplicates, statuses, first_sent, last_answer, done_at = 0, 0, 0, 0, {}, 0, 0, 0

function init(args)
  path, sessions = args[1], common.sessions(args[2])
  deadline, duplicate_every, marker = tonumber(args[3]), tonumber(args[4]), args[5]
end

function delay()
  if common.now() >= deadline then return 3600 * 1000 end  -- no more requests: wait for wrk to end
  return 0
end

local verified = false
function request()
  -- wrk calls request() once in its first thread before any connection, only to look at it:
  -- that call must not use up a signer or a line of the plan.
  if tid == 1 and not verified then
    verified = true
    return wrk.format("GET", "/_bare/")
  end
  sent = sent + 1
  if first_sent == 0 then first_sent = common.now() end
  local n, spelling
  if duplicate_every > 0 and sent % duplicate_every == 0 and persons > 0 then
    duplicates = duplicates + 1
    n = math.max(1, persons - sent % 40)  -- signed a moment ago, not confirmed yet
    spelling = 2
  else
    persons = persons + 1
    n, spelling = persons, persons % 3 == 0 and 1 or 0
  end
  local session = sessions[sent % #sessions + 1]
  return common.post(path, session, common.signing_body(session, tid, n, spelling))
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  last_answer = common.now()
  if answered == sent and last_answer >= deadline and done_at == 0 then
    done_at = last_answer
    common.finished(marker, tid)
  end
end

function done(summary, latency, requests)
  common.report(threads, {"sent", "answered", "persons", "duplicates", "statuses", "first_sent",
                          "last_answer", "tid"}, summary, latency)
end
