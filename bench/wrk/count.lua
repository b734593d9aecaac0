-- The count endpoint, polled as a page's script would (If-None-Match left out: every answer
-- is a full 200). Reports wrk's figures as JSON.
package.path = os.getenv("BENCH_WRK_LIB") .. "/?.lua;" .. package.path
local common = require("common")
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "participation-bench"
statuses = {}
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests) common.report(threads, {"statuses"}, summary, latency) end
