-- Headless Neovim drives `elpc lsp` through editors/nvim/lua/elpc.lua, as a user's config
-- would: open the bundled Kubernetes operator policy, wait for the diagnostics, check the
-- `!start_data` typo is reported on its line with the fix, and hover a port reference.
--
--   ELPC=target/debug/elpc nvim --headless --noplugin -u editors/nvim/test/init.lua
--
-- Exits 0 when every check passes, 1 otherwise (the reason on standard error).
local repo = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h:h:h")
vim.opt.runtimepath:prepend(repo .. "/editors/nvim")
vim.opt.swapfile = false

local failures = {}
local function check(ok, what)
  io.stderr:write((ok and "ok   " or "FAIL ") .. what .. "\n")
  if not ok then
    table.insert(failures, what)
  end
end

local elpc = os.getenv("ELPC") or "elpc"
require("elpc").setup({ cmd = { elpc, "lsp" } })

local policy = repo .. "/policies/kubernetes-operator/policy.policy"
vim.cmd("edit " .. vim.fn.fnameescape(policy))
local buf = vim.api.nvim_get_current_buf()

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local got = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) > 0
end, 100)
check(got, "diagnostics arrive for " .. policy)

local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local typo_line
for i, l in ipairs(lines) do
  if l:find("!start_data", 1, true) then
    typo_line = i - 1
  end
end
local typo
for _, d in ipairs(vim.diagnostic.get(buf)) do
  if code_of(d) == "EL201" and d.lnum == typo_line then
    typo = d
  end
end
check(typo ~= nil, "EL201 on the line of !start_data (line " .. tostring(typo_line and typo_line + 1) .. ")")
check(typo ~= nil and typo.message:find("start_data", 1, true) ~= nil, "its message names start_data")
check(typo ~= nil and lines[typo_line + 1]:sub(typo.col + 1, typo.end_col) == "!start_data", "its span is exactly !start_data")

-- Hover on `!anylog_server_port` shows the value from base_configs.env.
local port_line
for i, l in ipairs(lines) do
  if l:find("'port'", 1, true) then
    port_line = i - 1
    break
  end
end
local col = lines[port_line + 1]:find("!anylog_server_port", 1, true)
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = port_line, character = col + 2 },
}
local replies = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000) or {}
local text = ""
for _, reply in pairs(replies) do
  local contents = reply.result and reply.result.contents
  if type(contents) == "table" then
    text = text .. (contents.value or vim.inspect(contents))
  elseif type(contents) == "string" then
    text = text .. contents
  end
end
check(text:find("32148", 1, true) ~= nil, "hover on !anylog_server_port shows 32148: " .. text:gsub("\n", " "):sub(1, 200))
check(text:find("base_configs.env", 1, true) ~= nil, "hover names base_configs.env")

local clients = vim.lsp.get_active_clients()
check(#clients == 1 and clients[1].name == "elpc", "one elpc client is attached")

io.stderr:write(string.format("neovim %s: %d failed\n", tostring(vim.version().major) .. "." .. tostring(vim.version().minor), #failures))
-- Stop the server the way an editor does (shutdown, exit) and let it finish.
for _, c in ipairs(clients) do
  c.stop()
end
vim.wait(5000, function()
  return #vim.lsp.get_active_clients() == 0
end, 50)
vim.cmd(#failures == 0 and "qall!" or "cquit 1")
