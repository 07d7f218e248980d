package redistest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// busOffset is the fixed distance between a cluster node's client port and
// its cluster bus port (Redis' default, cluster-port 0).
const busOffset = 10000

// Ports are normally chosen from [10000, 20000) so that cluster bus ports land
// in [20000, 30000): both below the kernel's ephemeral range (usually starting
// at 32768). Ports handed out by listening on :0 come from that ephemeral
// range, which outgoing connections also use; a node that a fault test kills
// and restarts could then find its port taken by some client's socket.
// Staying below the range makes restarts reliable. If the range starts too
// low for this, we fall back to asking the kernel for a port.
const (
	portRangeLow  = 10000
	portRangeHigh = 20000
)

// reserved holds ports (and bus ports) of servers in this process, so two
// servers started concurrently by parallel tests never pick the same port
// before either has bound it. Other processes are handled by retrying.
var reserved = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// allocPort reserves a free loopback port; withBus additionally requires
// port+10000 to be free for the cluster bus. Release it with releasePort.
func allocPort(withBus bool) (int, error) {
	reserved.Lock()
	defer reserved.Unlock()
	useRange := ephemeralLow() >= portRangeHigh+busOffset
	for range 200 {
		var port int
		if useRange {
			port = portRangeLow + rand.IntN(portRangeHigh-portRangeLow)
		} else {
			p, err := kernelPort()
			if err != nil {
				return 0, err
			}
			port = p
		}
		if reserved.ports[port] || !portFree(port) {
			continue
		}
		if withBus {
			bus := port + busOffset
			if bus > 65535 || reserved.ports[bus] || !portFree(bus) {
				continue
			}
			reserved.ports[bus] = true
		}
		reserved.ports[port] = true
		return port, nil
	}
	return 0, fmt.Errorf("no free loopback port found")
}

func releasePort(port int, withBus bool) {
	reserved.Lock()
	defer reserved.Unlock()
	delete(reserved.ports, port)
	if withBus {
		delete(reserved.ports, port+busOffset)
	}
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func kernelPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ephemeralLow returns the first port of the kernel's ephemeral range, or 0
// if it cannot be determined (then kernel-assigned ports are used).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}
