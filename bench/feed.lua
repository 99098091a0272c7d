-- wrk script: POST the mini-program's Feed operation as a resident picked at random per request.
-- TOKENS: a file of access tokens, one per line; BODY: the JSON request body.
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local body = os.getenv("BODY")

request = function()
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]}
  return wrk.format("POST", "/graphql", headers, body)
end
