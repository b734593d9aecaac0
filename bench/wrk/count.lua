-- The count endpoint, polled as a page's script would (If-None-Match left out: every answer
-- is a full 200). The bench passes the endpoint's whole URL; an answer that is not the count
-- document (another page, had the path been lost) is tallied as `not_count`, and the bench
-- refuses the run. Reports wrk's figures as JSON.
package.path = os.getenv("BENCH_WRK_LIB") .. "/?.lua;" .. package.path
local common = require("common")
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "participation-bench"
statuses, not_count = {}, 0
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if not body:find('"signature_count":', 1, true) then not_count = not_count + 1 end
end
function done(summary, latency, requests) common.report(threads, {"statuses", "not_count"}, summary, latency) end
