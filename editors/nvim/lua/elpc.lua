-- elpc for Neovim 0.7 and later: starts `elpc lsp` for EdgeLake policies (`*.policy`, and
-- `*.json` files whose root key is `config`), env files (`*.env`, `.env`), EdgeLake `.al`
-- scripts and `elpc.toml`.
--
--   require("elpc").setup()                            -- `elpc` on PATH
--   require("elpc").setup({ cmd = { "/path/to/elpc", "lsp" } })
--
-- Neovim 0.8+ uses vim.lsp.start (one client per project root); 0.7, which Debian 12 ships,
-- has only vim.lsp.start_client, so this module keeps one client per root itself.
local M = {}

local clients = {} -- root directory -> client id (Neovim 0.7)

local function dirname(path)
  return vim.fn.fnamemodify(path, ":p:h")
end

-- The nearest directory upwards holding elpc.toml (else .git), else the file's directory.
local function root_dir(path)
  local dir = dirname(path)
  for _, marker in ipairs({ "elpc.toml", ".git" }) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found == "" then
      found = vim.fn.finddir(marker, dir .. ";")
    end
    if found ~= "" then
      return dirname(vim.fn.fnamemodify(found, ":p"):gsub("/$", ""))
    end
  end
  return dir
end

-- True for a JSON document whose root (or the single object of a list) opens with `config`.
local function is_json_policy(buf)
  local head = table.concat(vim.api.nvim_buf_get_lines(buf, 0, 20, false), "\n")
  return head:match("^%s*%[?%s*{%s*[\"']config[\"']") ~= nil
end

-- Filetypes for the extensions Neovim does not know. 0.8+ takes them from vim.filetype.add;
-- 0.7 ignores that table unless `g:do_filetype_lua` is set, so attach() sets them too.
local filetypes = { policy = "elpcpolicy", al = "elpcscript" }

local function attach(buf, opts)
  local path = vim.api.nvim_buf_get_name(buf)
  if path == "" then
    return
  end
  local filetype = filetypes[vim.fn.fnamemodify(path, ":e")]
  if filetype and vim.bo[buf].filetype == "" then
    vim.bo[buf].filetype = filetype
  end
  if path:match("%.json$") and not is_json_policy(buf) then
    return
  end
  local config = {
    name = "elpc",
    cmd = opts.cmd,
    root_dir = root_dir(path),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  local id = clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

--- Starts elpc for the matching buffers from now on (and for those already open).
--- opts.cmd (default { "elpc", "lsp" }), opts.on_attach, opts.capabilities.
function M.setup(opts)
  opts = opts or {}
  opts.cmd = opts.cmd or { "elpc", "lsp" }
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = filetypes })
  end
  local patterns = { "*.policy", "*.env", ".env", "*.json", "*.al", "elpc.toml" }
  local group = vim.api.nvim_create_augroup("elpc", { clear = true })
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
    group = group,
    pattern = patterns,
    callback = function(args)
      attach(args.buf, opts)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(buf)
    if
      vim.api.nvim_buf_is_loaded(buf)
      and (name:match("%.policy$") or name:match("%.env$") or name:match("%.json$") or name:match("%.al$") or name:match("elpc%.toml$"))
    then
      attach(buf, opts)
    end
  end
end

return M
