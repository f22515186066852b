#!/usr/bin/env bash
# Make sure Debian's headless Chromium is present for the browser tests.
# Playwright drives it through executable_path; Playwright's own browser download is not used.
set -euo pipefail
chromium_path=${WORKBENCH_CHROMIUM:-/usr/bin/chromium}
if [ -x "$chromium_path" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian chromium and CJK fonts for the browser tests / 正在安装浏览器测试所需的 Debian chromium 与中文字体"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    exit 0
fi
cat >&2 <<TEXT
Headless Chromium not found at $chromium_path, and this user cannot install it.
Install it, then run 'make test' again:  sudo apt-get install chromium fonts-noto-cjk
(or set WORKBENCH_CHROMIUM to the path of a Chromium binary).
未找到无头 Chromium（$chromium_path），当前用户无法安装。
请先安装后再运行 'make test'：sudo apt-get install chromium fonts-noto-cjk
（或把 WORKBENCH_CHROMIUM 设为 Chromium 可执行文件的路径）。
TEXT
exit 1
