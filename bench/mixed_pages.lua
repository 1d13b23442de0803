-- wrk (bench/member_pages_made.sh's mixed row): each connection asks for the pages in PAGES (space-separated paths) in turn, so the workers
-- serve a mix of pages as they would in use; the reporter's RESULT line (bench/report.lua) is for
-- all of them together.
dofile(os.getenv("HERE") .. "/bench/report.lua")  -- its done() writes the RESULT line
local pages, next_page = {}, 1
for path in string.gmatch(os.getenv("PAGES") or "/", "%S+") do pages[#pages + 1] = path end
request = function()
  local path = pages[next_page]
  next_page = next_page % #pages + 1
  return wrk.format(nil, path)
end
