"""docker-py against `docknet serve` (tests/serve/docker_py.rs): prints one block per call,
each in the form the docker CLI prints the same thing, for comparison with a replay."""
import sys

import docker

client = docker.DockerClient(base_url="unix://" + sys.argv[1])


def block(text):
    print(text.rstrip("\n"))
    print("--")


pool = docker.types.IPAMPool(subnet="10.7.0.0/24")
net = client.networks.create("pynet", driver="bridge", ipam=docker.types.IPAMConfig(pool_configs=[pool]))
block(net.id)
a = client.containers.run("busybox", "sleep 1000", name="pa", network="pynet", detach=True)
b = client.containers.run("busybox", "sleep 1000", name="pb", network="pynet", detach=True)
block(a.id + "\n" + b.id)
a.reload()
block(a.attrs["NetworkSettings"]["Networks"]["pynet"]["IPAddress"])
r = a.exec_run("ping -c 1 -W 1 pb")
block(r.output.decode() + "[exit %d]" % r.exit_code)
r = a.exec_run("ping -c 1 -W 1 nosuch")
block(r.output.decode() + "[exit %d]" % r.exit_code)
block("\n".join(sorted(n.name for n in client.networks.list())))
block(client.containers.run("busybox", "ping -c 1 10.7.0.3", network="pynet", remove=True).decode())
try:
    client.networks.get("nosuch")
except docker.errors.NotFound as e:
    block("NotFound: " + e.explanation)
a.remove(force=True)
b.remove(force=True)
net.remove()
block("\n".join(sorted(n.name for n in client.networks.list())))
