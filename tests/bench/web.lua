-- wrk script for the web interface benchmark: every request carries the
-- session cookie from AMBITO_COOKIE and asks for AMBITO_PATH.
local cookie = os.getenv("AMBITO_COOKIE") or ""
local path = os.getenv("AMBITO_PATH") or "/"

wrk.headers["Cookie"] = "ambito_sessione=" .. cookie

function request()
	return wrk.format("GET", path)
end
