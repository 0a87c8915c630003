#!/usr/bin/env bash
# Builds everything the container image holds besides the application, for Jib to add as an extra directory on
# top of an empty (scratch) base: a jlinked Java runtime in /opt/java, the glibc libraries it links against
# (taken from this build machine, so build on x86_64 glibc Linux), /etc/passwd and /etc/group naming the
# non-root user 65532, and /tmp. No Docker engine and no registry are needed.
#
# usage: rootfs.sh JAVA_HOME OUTPUT_DIR
set -euo pipefail

java_home=$1
out=$2

# What the gateway needs from the JDK: java.desktop for java.beans (Spring), java.management/jdk.management for
# metrics, jdk.unsupported for Netty and Reactor, jdk.crypto* through java.base, jdk.jfr for diagnostics.
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,\
jdk.unsupported,jdk.zipfs

rm -rf "$out"
mkdir -p "$out/etc" "$out/tmp" "$out/home/nonroot"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
	--compress=zip-6 --output "$out/opt/java"

# The shared libraries the runtime loads, at the paths the dynamic loader looks in. GUI libraries of
# java.desktop are never loaded by a headless server and are left out.
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
	! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' ! -name 'libjawt.so' \
	-print0 | xargs -0 ldd 2>/dev/null | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' |
	grep -v -e "^$out/" -e "^$java_home/" | sort -u |
	while read -r lib; do
		install -D -m 0755 "$(readlink -f "$lib")" "$out$lib"
	done

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
cat > "$out/etc/nsswitch.conf" <<'NSS'
hosts: files dns
NSS
