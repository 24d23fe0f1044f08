-- wrk script for the ambito benchmarks: every request carries the bearer
-- token from AMBITO_TOKEN; in AMBITO_PATH a "{n}" becomes a random demo
-- tenant number (0001 to AMBITO_TENANTS), so that requests spread over the
-- tenants instead of hitting one row.
local token = os.getenv("AMBITO_TOKEN") or ""
local path = os.getenv("AMBITO_PATH") or "/healthz"
local tenants = tonumber(os.getenv("AMBITO_TENANTS") or "1")

wrk.headers["Authorization"] = "Bearer " .. token

function init(args)
	math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
	local p = path:gsub("{n}", function()
		return string.format("%04d", math.random(1, tenants))
	end)
	return wrk.format("GET", p)
end
