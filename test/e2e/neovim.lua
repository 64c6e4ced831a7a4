-- Headless Neovim (0.7+) as a real LSP client of cancel-safe-language-server, driven by
-- neovim.test.ts: open the file given on the command line, wait for the server's diagnostics,
-- ask for code actions on the first one, apply the timeout() quick fix, wait for the re-lint, and
-- write what happened as JSON to $CANCEL_SAFE_OUT.
local server_bin = os.getenv('CANCEL_SAFE_SERVER')
local out_path = os.getenv('CANCEL_SAFE_OUT')
local result = { diagnostics = {}, titles = {}, text = '', after = nil, error = nil }

local published = {}
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  table.insert(published, params)
  vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
end

local function finish()
  local file = io.open(out_path, 'w')
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qall!')
end

local client_id = vim.lsp.start_client({
  name = 'cancel-safe',
  cmd = { 'node', server_bin, '--stdio' },
  root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':h'),
})
vim.lsp.buf_attach_client(0, client_id)

local function wait_for(predicate)
  return vim.wait(30000, function()
    for _, params in ipairs(published) do
      if predicate(params) then return true end
    end
    return false
  end, 50)
end

if not wait_for(function(p) return #p.diagnostics > 0 end) then
  result.error = 'no diagnostics within 30 s'
  return finish()
end
local first = published[#published]
result.diagnostics = first.diagnostics

local diagnostic = first.diagnostics[1]
local responses = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  range = diagnostic.range,
  context = { diagnostics = { diagnostic } },
}, 10000)
local chosen = nil
for _, response in pairs(responses or {}) do
  for _, action in ipairs(response.result or {}) do
    table.insert(result.titles, action.title)
    if chosen == nil and action.title:find('^Use `timeout%(%)`') then chosen = action end
  end
end
if chosen == nil then
  result.error = 'no timeout() quick fix offered'
  return finish()
end
local count = #published
vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
result.text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
-- The edit changes the buffer; Neovim sends didChange and the server publishes the new version.
if wait_for(function(p) return p.version ~= nil and p.version > first.version end) then
  result.after = published[#published].diagnostics
end
vim.lsp.stop_client(client_id)
finish()
