#!/bin/bash
# Re-creates the real-tool outputs in this directory (run as root; touches only namespaces it
# creates itself):  unshare --net --mount bash -c 'mount -t sysfs sysfs /sys && bash capture.sh host'
# and the same with `lab`. The private /sys matters: without it brctl cannot find the bridges in
# sysfs and falls back to an ioctl that lists them by ifindex instead of by name.
# MACs are all set explicitly so the outputs are reproducible; the only moving values, the
# bridge gc_timer and the ports' forward_delay_timer of `ip -d link`, are masked to 0.00 by sed.
set -e
cd "$(dirname "$0")"
mask() { sed -E 's/(gc_timer|forward_delay_timer)( +|":)[0-9]+\.[0-9]+/\1\20.00/g; s/(gc_timer|forward_delay_timer) +0\.00/\1    0.00/g'; }
child() { unshare --net sleep 600 >/dev/null 2>&1 & echo $!; }
if [ "$1" = host ]; then
  # A Docker-like host: docker0 with two container veths, an empty user bridge, a stray veth
  # pair, and Docker's iptables rules (restored from the recorded dockerd state).
  ip link set lo up
  ip link add docker0 address 02:42:ed:c3:77:8c txqueuelen 0 type bridge
  ip addr add 172.17.0.1/16 brd + dev docker0
  ip link set docker0 up
  ip link add br-ef9d7c74a9bb address 02:42:7d:c4:04:b2 txqueuelen 0 type bridge
  ip addr add 10.0.0.1/24 brd + dev br-ef9d7c74a9bb
  ip link set br-ef9d7c74a9bb up
  C1=$(child); C2=$(child); sleep 0.3
  n=0
  for c in $C1 $C2; do
    n=$((n+1))
    h=$([ $n = 1 ] && echo veth357f9b6 || echo vetha847f37)
    ip link add $h address 6a:1f:0e:3c:5d:0$n txqueuelen 0 type veth peer name eth0 address 02:42:ac:11:00:0$((n+1)) netns $c
    ip link set $h master docker0
    ip link set $h up
    nsenter -t $c -n sh -c "ip link set lo up; ip addr add 172.17.0.$((n+1))/16 brd + dev eth0; ip link set eth0 up; ip route add default via 172.17.0.1 dev eth0"
  done
  ip link add vx address 0a:00:00:00:00:01 type veth peer name vy address 0a:00:00:00:00:02
  ip link set vx up
  # Replayed as iptables commands, as dockerd issues them: iptables-restore would give the
  # base chains nft counters, which then count real packets instead of printing [0:0].
  awk '/^\*/ {t=substr($1,2)} /^:/ {c=substr($1,2); if ($2=="-") print "iptables -t " t " -N " c; else if ($2!="ACCEPT") print "iptables -t " t " -P " c " " $2} /^-A/ {print "iptables -t " t " " $0}' recorded-iptables-save.txt | sh
  sleep 16
  ip link show > host-ip-link.txt
  ip addr show > host-ip-addr.txt
  ip route show > host-ip-route.txt
  ip -j link show > host-ip-j-link.txt
  ip -j addr show > host-ip-j-addr.txt
  ip -j route show > host-ip-j-route.txt
  ip -d link show | mask > host-ip-d-link.txt
  ip -d -j link show | mask > host-ip-d-j-link.txt
  ip netns list-id > host-ip-netns-list-id.txt
  brctl show > host-brctl-show.txt
  bridge link show > host-bridge-link.txt
  bridge -j link show > host-bridge-j-link.txt
  iptables-save > host-iptables-save.txt
  iptables-save -t nat > host-iptables-save-t-nat.txt
  iptables -t nat -S > host-iptables-t-nat-S.txt
  iptables -L -n > host-iptables-L-n.txt
  iptables -t nat -L -n > host-iptables-t-nat-L-n.txt
  iptables -t nat -L DOCKER -n > host-iptables-t-nat-L-DOCKER-n.txt
  nsenter -t $C1 -n ip link show > ctr-ip-link.txt
  nsenter -t $C1 -n ip addr show > ctr-ip-addr.txt
  nsenter -t $C1 -n ip route show > ctr-ip-route.txt
  nsenter -t $C1 -n ip -j addr show > ctr-ip-j-addr.txt
  nsenter -t $C1 -n ip -j route show > ctr-ip-j-route.txt
  nsenter -t $C1 -n ip -d -j link show > ctr-ip-d-j-link.txt
  nsenter -t $C1 -n ip -4 addr show > ctr-ip-4-addr.txt
  nsenter -t $C1 -n ip -6 addr show > ctr-ip-6-addr.txt
  nsenter -t $C1 -n ip -j -4 addr show > ctr-ip-j-4-addr.txt
  nsenter -t $C1 -n ip netns list-id > ctr-ip-netns-list-id.txt
  nsenter -t $C1 -n iptables-save > ctr-iptables-save.txt
  kill $C1 $C2
elif [ "$1" = lab ]; then
  # Addresses, routes and bridge ports in every shape the renderers print.
  ip link add br0 address 02:42:0a:00:00:01 type bridge
  for v in 1 2 3; do
    ip link add v$v address 0a:00:00:00:01:0$v type veth peer name v${v}p address 0a:00:00:00:02:0$v
  done
  # Ports join in the order v3, v1, v2, then v1 leaves and rejoins: port numbers 2, 3, 1.
  for v in v3 v1 v2; do ip link set $v master br0; done
  ip link set v1 nomaster; ip link set v3 nomaster; ip link set v1 master br0; ip link set v3 master br0
  for v in 1 2; do ip link set v$v up; ip link set v${v}p up; done
  ip link set v3 up
  ip link set br0 up
  ip addr add 10.0.0.1/24 brd + dev br0
  ip addr add 10.0.0.2/24 dev br0
  ip addr add 10.0.0.3/24 brd 10.0.0.255 dev br0 label br0:1
  ip addr add 192.168.5.5/32 dev br0
  ip addr add 10.9.0.1/16 scope link dev br0
  ip route add 10.50.0.0/16 via 10.0.0.254
  ip route add 10.60.0.0/16 via 10.0.0.254 proto static
  ip route add 10.70.0.0/16 dev br0
  ip route add 10.71.0.9 dev br0
  ip route add 10.80.0.0/16 via 1.2.3.4 dev br0 onlink
  ip route add default via 10.0.0.254 dev br0
  ip link add stpbr address 02:42:0a:00:00:02 type bridge stp_state 1
  ip link add sx address 0a:00:00:00:03:01 type veth peer name sxp address 0a:00:00:00:03:02
  ip link set sx master stpbr; ip link set sx up; ip link set sxp up; ip link set stpbr up
  sleep 3
  ip addr show > lab-ip-addr.txt
  ip -j addr show dev br0 > lab-ip-j-addr-br0.txt
  ip route show > lab-ip-route.txt
  ip -j route show > lab-ip-j-route.txt
  ip route show dev br0 > lab-ip-route-dev-br0.txt
  brctl show > lab-brctl-show.txt
  bridge link show > lab-bridge-link.txt
  ip link show master br0 > lab-ip-link-master-br0.txt
  ip -6 addr show > lab-ip-6-addr.txt
  ip -j -6 addr show > lab-ip-j-6-addr.txt
  ip -j link show dev v3 > lab-ip-j-link-v3.txt
  ip -d link show dev v2 | mask > lab-ip-d-link-v2.txt
  ip -4 addr show > lab-ip-4-addr.txt
  ip -br link show > lab-ip-br-link.txt
  ip -br addr show > lab-ip-br-addr.txt
  ip -br -4 addr show > lab-ip-br-4-addr.txt
  bridge -j link show > lab-bridge-j-link.txt
  ip -d addr show dev v2 | mask > lab-ip-d-addr-v2.txt
  ip -d -j -4 addr show dev br0 | mask > lab-ip-d-j-4-addr-br0.txt
fi
