-- Headless Neovim drives `elpc lsp` through editors/nvim/lua/elpc.lua, as a user's config
-- would: open the bundled Kubernetes operator policy, wait for the diagnostics, check the
-- `!start_data` typo is reported on its line with the fix, and hover a port reference; then
-- open a real deployment script (`.al`), wait for its EL507 warning at its own line and jump
-- from a `goto` to its label.
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

-- An `.al` script: config_policy_networking.al of EdgeLake/deployment-scripts has a `do if`
-- that overwrites the saved `if` result the next `do else` line reads (EL507).
local script = repo
  .. "/tests/corpus/scripts/EdgeLake+deployment-scripts__node-deployment__policies__config_policy_networking.al"
vim.cmd("edit " .. vim.fn.fnameescape(script))
local sbuf = vim.api.nvim_get_current_buf()
check(vim.bo[sbuf].filetype == "elpcscript", "the .al file has filetype elpcscript: " .. vim.bo[sbuf].filetype)
got = vim.wait(30000, function()
  for _, d in ipairs(vim.diagnostic.get(sbuf)) do
    if code_of(d) == "EL507" then
      return true
    end
  end
  return false
end, 100)
check(got, "diagnostics arrive for the .al script")
local slines = vim.api.nvim_buf_get_lines(sbuf, 0, -1, false)
local inner_if
for i, l in ipairs(slines) do
  if l:find("^do if !enable_dns == true then set policy new_policy %[config%]%[rest_ip%]") then
    inner_if = i - 1
  end
end
local overwritten
for _, d in ipairs(vim.diagnostic.get(sbuf)) do
  if code_of(d) == "EL507" and d.lnum == inner_if then
    overwritten = d
  end
end
check(overwritten ~= nil, "EL507 on the `do if` line of the script (line " .. tostring(inner_if and inner_if + 1) .. ")")

-- Go to definition from `goto broker-params` to the `:broker-params:` label.
local goto_line, label_line
for i, l in ipairs(slines) do
  if goto_line == nil and l:find("goto broker-params", 1, true) then
    goto_line = i - 1
  end
  if l:find("^:broker%-params:") then
    label_line = i - 1
  end
end
local goto_col = slines[goto_line + 1]:find("broker-params", 1, true)
replies = vim.lsp.buf_request_sync(sbuf, "textDocument/definition", {
  textDocument = { uri = vim.uri_from_bufnr(sbuf) },
  position = { line = goto_line, character = goto_col + 1 },
}, 10000) or {}
local target
for _, reply in pairs(replies) do
  local result = reply.result
  if result and result[1] then
    result = result[1]
  end
  local range = result and (result.range or result.targetSelectionRange)
  if range then
    target = range.start.line
  end
end
check(target == label_line, "go to definition from `goto broker-params` lands on line " .. tostring(label_line and label_line + 1) .. ": " .. tostring(target and target + 1))

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
