-- wrk script for the public pages benchmark: no session; every request asks
-- for AMBITO_PATH, with If-None-Match: AMBITO_ETAG when set (revalidation).
local path = os.getenv("AMBITO_PATH") or "/"
local etag = os.getenv("AMBITO_ETAG") or ""

if etag ~= "" then
	wrk.headers["If-None-Match"] = etag
end

function request()
	return wrk.format("GET", path)
end
