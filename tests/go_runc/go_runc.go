// File: tests/go_runc/go_runc.go
//
// A Go stand-in for runc 1.2+ on its sync socket, for testing `synctrace exec`
// against a real Go runtime (many threads, Go's vfork in os/exec, its signal
// handling). Written from /work/shared/docs/sync-protocol.md, not from runc.
//
// The parent makes a SOCK_SEQPACKET|SOCK_CLOEXEC socketpair, starts
// `/proc/self/exe init` with exec.Cmd (child end at --sync-fd through
// ExtraFiles, /dev/null fillers below it), _LIBCONTAINER_SYNCPIPE and
// _LIBCONTAINER_INITTYPE=standard in its environment. Then, as runc 1.2 does:
//
//	child (runc init)                       parent (runc run)
//	procMountPlease {mount, source "<&>"} ->
//	                                     <- procMountFd flags:0b1 {"type":"plain-open"}
//	                                     <- fd packet: data = source path, SCM_RIGHTS fd
//	procSeccomp <fd number in the child>  ->  (parent takes it with pidfd_getfd)
//	                                     <- procSeccompDone
//	procReady                             ->
//	                                     <- procRun
//	                                        shutdown(SHUT_WR)
//	reads EOF, closes its end             ->  parent reads EOF
//
// Every JSON packet is encoding/json output (HTML characters escaped as Go
// does) written with one write(2); a reader peeks the size with
// recvfrom(MSG_PEEK|MSG_TRUNC) and reads exactly that. Each side prints what it
// experienced, one fact per line, so runs with and without synctrace compare.
//
// Usage:
//
//	go_runc [--inits N] [--exit STATUS] [--sync-fd N] [--dir DIR] [--spin=false]
//
// --dir: where the mount source file is made (default: a fresh temporary
// directory, removed at the end). --spin: a goroutine allocates and spins
// meanwhile, so the runtime preempts (SIGURG) and collects during the swap.
// Exit status: STATUS (default 0) when every conversation went as expected, 3
// otherwise.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Sync types (the subset a `runc run` with one bind mount and seccomp uses).
const (
	procMountPlease = "procMountPlease"
	procMountFd     = "procMountFd"
	procSeccomp     = "procSeccomp"
	procSeccompDone = "procSeccompDone"
	procReady       = "procReady"
	procRun         = "procRun"

	syncFlagHasFd = 1

	mountSourceName    = "src<&>.txt" // Go's encoder escapes these three characters
	mountSourceContent = "go_runc mount source\n"
)

// One JSON sync packet.
type syncT struct {
	Type  string           `json:"type"`
	Flags int              `json:"flags"`
	Arg   *json.RawMessage `json:"arg,omitempty"`
}

// A procMountPlease request, shaped like a container config's mount.
type mountRequest struct {
	Source           string          `json:"source"`
	Destination      string          `json:"destination"`
	Device           string          `json:"device"`
	Flags            int             `json:"flags"`
	ClearedFlags     int             `json:"cleared_flags"`
	PropagationFlags []int           `json:"propagation_flags"`
	Data             string          `json:"data"`
	Relabel          string          `json:"relabel"`
	RecAttr          json.RawMessage `json:"rec_attr"`
	Extensions       int             `json:"extensions"`
	IDMapping        json.RawMessage `json:"id_mapping"`
}

// procMountFd's arg.
type mountFdInfo struct {
	Type string `json:"type"`
}

func say(format string, args ...interface{}) {
	os.Stdout.Write([]byte(fmt.Sprintf(format, args...) + "\n")) // one write per line
}

// syncSocket is one end of the sync socketpair, used with blocking system calls.
type syncSocket struct {
	f  *os.File
	fd int
}

func newSyncSocket(f *os.File) *syncSocket {
	return &syncSocket{f: f, fd: int(f.Fd())}
}

func (s *syncSocket) writePacket(b []byte) error {
	for {
		n, err := syscall.Write(s.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n != len(b) {
			return fmt.Errorf("short write: %d of %d bytes", n, len(b))
		}
		return nil
	}
}

// readPacket returns one packet and the fds that came with it; io.EOF at the end.
func (s *syncSocket) readPacket() ([]byte, []int, error) {
	var size int
	var err error
	for {
		size, _, err = syscall.Recvfrom(s.fd, nil, syscall.MSG_PEEK|syscall.MSG_TRUNC)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("peeking at the packet size: %w", err)
	}
	if size == 0 {
		return nil, nil, io.EOF
	}
	buf := make([]byte, size)
	oob := make([]byte, syscall.CmsgSpace(4))
	var n, oobn, recvflags int
	for {
		n, oobn, recvflags, _, err = syscall.Recvmsg(s.fd, buf, oob, syscall.MSG_CMSG_CLOEXEC)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading a %d-byte packet: %w", size, err)
	}
	var fds []int
	if oobn > 0 {
		msgs, err := syscall.ParseSocketControlMessage(oob[:oobn])
		if err != nil {
			return nil, nil, fmt.Errorf("parsing control messages: %w", err)
		}
		for i := range msgs {
			got, err := syscall.ParseUnixRights(&msgs[i])
			if err != nil {
				return nil, nil, fmt.Errorf("parsing SCM_RIGHTS: %w", err)
			}
			fds = append(fds, got...)
		}
	}
	if n != size || recvflags&(syscall.MSG_TRUNC|syscall.MSG_CTRUNC) != 0 {
		closeAll(fds)
		return nil, nil, fmt.Errorf("packet truncated: %d of %d bytes, flags %#x", n, size, recvflags)
	}
	return buf, fds, nil
}

func closeAll(fds []int) {
	for _, fd := range fds {
		syscall.Close(fd)
	}
}

func (s *syncSocket) writeSync(typ string, flags int, arg interface{}) error {
	msg := syncT{Type: typ, Flags: flags}
	if arg != nil {
		raw, err := json.Marshal(arg)
		if err != nil {
			return fmt.Errorf("writing sync %s: encoding arg: %w", typ, err)
		}
		rawMsg := json.RawMessage(raw)
		msg.Arg = &rawMsg
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("writing sync %s: %w", typ, err)
	}
	if err := s.writePacket(b); err != nil {
		return fmt.Errorf("writing sync %s: %w", typ, err)
	}
	return nil
}

// writeSyncFile writes a message with syncFlagHasFd, then the fd packet:
// data = the file's name, one SCM_RIGHTS fd.
func (s *syncSocket) writeSyncFile(typ string, arg interface{}, file *os.File) error {
	if err := s.writeSync(typ, syncFlagHasFd, arg); err != nil {
		return err
	}
	rights := syscall.UnixRights(int(file.Fd()))
	for {
		err := syscall.Sendmsg(s.fd, []byte(file.Name()), rights, nil, 0)
		if err == syscall.EINTR {
			continue
		}
		runtime.KeepAlive(file)
		if err != nil {
			return fmt.Errorf("writing sync %s: sending the file %s: %w", typ, file.Name(), err)
		}
		return nil
	}
}

// readSync reads one message of the expected type, and its file when it has one.
func (s *syncSocket) readSync(expected string) (syncT, *os.File, error) {
	var msg syncT
	data, fds, err := s.readPacket()
	if err != nil {
		return msg, nil, fmt.Errorf("reading sync (expecting %s): %w", expected, err)
	}
	if len(fds) != 0 {
		closeAll(fds)
		return msg, nil, fmt.Errorf("reading sync (expecting %s): %d fds came with the JSON packet", expected, len(fds))
	}
	if err := json.Unmarshal(data, &msg); err != nil {
		return msg, nil, fmt.Errorf("reading sync (expecting %s): %w in %q", expected, err, data)
	}
	if msg.Type != expected {
		return msg, nil, fmt.Errorf("unexpected synchronisation flag: got %q, expected %q", msg.Type, expected)
	}
	if msg.Flags&syncFlagHasFd == 0 {
		return msg, nil, nil
	}
	name, fds, err := s.readPacket()
	if err != nil {
		return msg, nil, fmt.Errorf("reading the file of sync %s: %w", expected, err)
	}
	if len(fds) != 1 {
		closeAll(fds)
		return msg, nil, fmt.Errorf("reading the file of sync %s: %d fds instead of one", expected, len(fds))
	}
	return msg, os.NewFile(uintptr(fds[0]), string(name)), nil
}

// expectEOF reads the end of the conversation.
func (s *syncSocket) expectEOF() error {
	data, fds, err := s.readPacket()
	if err == io.EOF {
		return nil
	}
	closeAll(fds)
	if err != nil {
		return err
	}
	return fmt.Errorf("a packet instead of EOF: %q", data)
}

// Linux system call numbers Go 1.19's syscall package lacks.
const (
	sysPidfdOpen  = 434 // the same on every architecture
	sysPidfdGetfd = 438
)

func sysMemfdCreate() uintptr {
	if runtime.GOARCH == "arm64" {
		return 279
	}
	return 319 // amd64
}

// ---- the child: runc init ----

func runInit() int {
	who := "init " + os.Getenv("GO_RUNC_INIT")
	say("%s: TracerPid %s", who, tracerPid())
	fd, err := strconv.Atoi(os.Getenv("_LIBCONTAINER_SYNCPIPE"))
	if err != nil {
		say("%s: no sync socket in the environment: %v", who, err)
		return 1
	}
	say("%s: sync socket at fd %d", who, fd)
	s := newSyncSocket(os.NewFile(uintptr(fd), "sync"))
	defer s.f.Close()
	if err := initConversation(s, who, os.Getenv("GO_RUNC_MOUNT_SOURCE")); err != nil {
		say("%s: %v", who, err)
		return 1
	}
	return 0
}

func initConversation(s *syncSocket, who, source string) error {
	request := mountRequest{
		Source: source, Destination: "/mnt", Device: "bind", Flags: syscall.MS_BIND | syscall.MS_REC,
		PropagationFlags: []int{syscall.MS_PRIVATE | syscall.MS_REC},
		RecAttr:          json.RawMessage("null"), IDMapping: json.RawMessage("null"),
	}
	if err := s.writeSync(procMountPlease, 0, request); err != nil {
		return err
	}
	reply, file, err := s.readSync(procMountFd)
	if err != nil {
		return err
	}
	if file == nil {
		return fmt.Errorf("procMountFd came without a file")
	}
	defer file.Close()
	say("%s: got procMountFd flags %d arg %s", who, reply.Flags, rawArg(reply))
	if file.Name() != source {
		return fmt.Errorf("the mount fd is named %q, not the requested source %q", file.Name(), source)
	}
	if err := sameFile(file, source); err != nil {
		return err
	}
	content := make([]byte, 256)
	n, err := file.ReadAt(content, 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("reading through the mount fd: %w", err)
	}
	say("%s: the mount fd is the requested source (name, dev, ino) and reads %q", who, content[:n])

	seccompFd, err := makeSeccompStandIn(who)
	if err != nil {
		return err
	}
	defer syscall.Close(seccompFd)
	if err := s.writeSync(procSeccomp, 0, seccompFd); err != nil {
		return err
	}
	if _, _, err := s.readSync(procSeccompDone); err != nil {
		return err
	}
	say("%s: got procSeccompDone", who)
	if err := s.writeSync(procReady, 0, nil); err != nil {
		return err
	}
	if _, _, err := s.readSync(procRun); err != nil {
		return err
	}
	say("%s: got procRun", who)
	if err := s.expectEOF(); err != nil {
		return fmt.Errorf("after procRun: %w", err)
	}
	say("%s: EOF from the parent", who)
	return nil
}

func rawArg(msg syncT) string {
	if msg.Arg == nil {
		return "(none)"
	}
	return string(*msg.Arg)
}

func sameFile(file *os.File, path string) error {
	var got, want syscall.Stat_t
	if err := syscall.Fstat(int(file.Fd()), &got); err != nil {
		return fmt.Errorf("fstat of the mount fd: %w", err)
	}
	if err := syscall.Stat(path, &want); err != nil {
		return fmt.Errorf("stat of the source: %w", err)
	}
	if got.Dev != want.Dev || got.Ino != want.Ino {
		return fmt.Errorf("the mount fd is dev %d ino %d, the source dev %d ino %d", got.Dev, got.Ino, want.Dev, want.Ino)
	}
	return nil
}

// makeSeccompStandIn returns a memfd holding a known text, standing in for a
// seccomp notify fd that the parent takes with pidfd_getfd.
func makeSeccompStandIn(who string) (int, error) {
	name, err := syscall.BytePtrFromString("go_runc seccomp stand-in")
	if err != nil {
		return -1, err
	}
	fd, _, errno := syscall.Syscall(sysMemfdCreate(), uintptr(unsafe.Pointer(name)), 1 /* MFD_CLOEXEC */, 0)
	if errno != 0 {
		return -1, fmt.Errorf("memfd_create: %w", errno)
	}
	if _, err := syscall.Write(int(fd), []byte("seccomp stand-in of "+who)); err != nil {
		syscall.Close(int(fd))
		return -1, fmt.Errorf("writing the seccomp stand-in: %w", err)
	}
	return int(fd), nil
}

func tracerPid() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "? (" + err.Error() + ")"
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "TracerPid:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "TracerPid:"))
		}
	}
	return "?"
}

// ---- the parent: runc run ----

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "init" {
		os.Exit(runInit())
	}
	inits := flag.Int("inits", 1, "runc inits to start, one after another")
	exitStatus := flag.Int("exit", 0, "exit status when every conversation went as expected")
	syncFd := flag.Int("sync-fd", 4, "the child's fd number for its end of the sync socket (>= 3)")
	dir := flag.String("dir", "", "directory for the mount source file (default: a temporary one)")
	spin := flag.Bool("spin", true, "a goroutine allocates and spins meanwhile")
	flag.Parse()
	if *syncFd < 3 || *inits < 0 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "go_runc: bad arguments (see the usage in go_runc.go)")
		os.Exit(2)
	}
	var stop int32
	if *spin {
		go spinner(&stop)
	}
	ok := runParent(*inits, *syncFd, *dir)
	atomic.StoreInt32(&stop, 1)
	if !ok {
		os.Exit(3)
	}
	os.Exit(*exitStatus)
}

var sink []byte

func spinner(stop *int32) {
	for i := 0; atomic.LoadInt32(stop) == 0; i++ {
		sink = make([]byte, 4096+i%4096)
	}
}

func runParent(inits, syncFd int, dir string) bool {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "go_runc")
		if err != nil {
			say("parent: making a temporary directory: %v", err)
			return false
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	source := filepath.Join(dir, mountSourceName)
	if err := os.WriteFile(source, []byte(mountSourceContent), 0o600); err != nil {
		say("parent: writing the mount source: %v", err)
		return false
	}
	ok := true
	for i := 1; i <= inits; i++ {
		if err := startInit(i, syncFd, source); err != nil {
			say("parent %d: %v", i, err)
			ok = false
		}
	}
	return ok
}

// startInit runs one `runc init` with its own socketpair, talks, and waits for it.
func startInit(i, syncFd int, source string) error {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("making the sync socketpair: %w", err)
	}
	parentEnd := os.NewFile(uintptr(fds[1]), "sync host")
	childEnd := os.NewFile(uintptr(fds[0]), "sync child")
	defer parentEnd.Close()

	var extra []*os.File
	for fd := 3; fd < syncFd; fd++ {
		filler, err := os.Open(os.DevNull)
		if err != nil {
			childEnd.Close()
			return err
		}
		defer filler.Close()
		extra = append(extra, filler)
	}
	cmd := exec.Command("/proc/self/exe", "init")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = append(extra, childEnd)
	cmd.Env = append(os.Environ(),
		"_LIBCONTAINER_SYNCPIPE="+strconv.Itoa(syncFd),
		"_LIBCONTAINER_INITTYPE=standard",
		"GO_RUNC_INIT="+strconv.Itoa(i),
		"GO_RUNC_MOUNT_SOURCE="+source)
	err = cmd.Start()
	childEnd.Close()
	if err != nil {
		return fmt.Errorf("starting runc init: %w", err)
	}
	s := newSyncSocket(parentEnd)
	talkErr := parentConversation(s, i, cmd.Process.Pid)
	if talkErr == nil {
		talkErr = checkSyncSocket(s, i)
	}
	parentEnd.Close() // on failure, the child reads EOF and stops
	waitErr := cmd.Wait()
	say("parent %d: init exited with %d", i, cmd.ProcessState.ExitCode())
	if talkErr != nil {
		return talkErr
	}
	if waitErr != nil {
		return fmt.Errorf("runc init: %w", waitErr)
	}
	return nil
}

func parentConversation(s *syncSocket, i, child int) error {
	request, _, err := s.readSync(procMountPlease)
	if err != nil {
		return err
	}
	var mount mountRequest
	if request.Arg == nil {
		return errors.New("procMountPlease without a mount")
	}
	if err := json.Unmarshal(*request.Arg, &mount); err != nil {
		return fmt.Errorf("procMountPlease's mount: %w", err)
	}
	say("parent %d: got procMountPlease for %s -> %s (%s)", i, filepath.Base(mount.Source), mount.Destination, mount.Device)
	source, err := os.Open(mount.Source) // O_RDONLY|O_CLOEXEC, named with the path
	if err != nil {
		return fmt.Errorf("opening the mount source: %w", err)
	}
	err = s.writeSyncFile(procMountFd, mountFdInfo{Type: "plain-open"}, source)
	source.Close()
	if err != nil {
		return err
	}
	say("parent %d: sent procMountFd with the source's fd", i)

	seccomp, _, err := s.readSync(procSeccomp)
	if err != nil {
		return err
	}
	var childFd int
	if seccomp.Arg == nil || json.Unmarshal(*seccomp.Arg, &childFd) != nil {
		return fmt.Errorf("procSeccomp's arg is not an fd number: %s", rawArg(seccomp))
	}
	content, err := readChildFd(child, childFd)
	if err != nil {
		return err
	}
	say("parent %d: the child's seccomp fd holds %q", i, content)
	if err := s.writeSync(procSeccompDone, 0, nil); err != nil {
		return err
	}
	if _, _, err := s.readSync(procReady); err != nil {
		return err
	}
	if err := s.writeSync(procRun, 0, nil); err != nil {
		return err
	}
	say("parent %d: got procReady, sent procRun", i)
	if err := syscall.Shutdown(s.fd, syscall.SHUT_WR); err != nil {
		return fmt.Errorf("shutdown(SHUT_WR) of the sync socket: %w", err)
	}
	if err := s.expectEOF(); err != nil {
		return fmt.Errorf("after procRun: %w", err)
	}
	say("parent %d: EOF from the child", i)
	return nil
}

// readChildFd takes fd `fd` of process `pid` with pidfd_getfd and reads it from the start.
func readChildFd(pid, fd int) (string, error) {
	pidfd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno != 0 {
		return "", fmt.Errorf("pidfd_open of runc init pid %d: %w", pid, errno)
	}
	defer syscall.Close(int(pidfd))
	copied, _, errno := syscall.Syscall(sysPidfdGetfd, pidfd, uintptr(fd), 0)
	if errno != 0 {
		return "", fmt.Errorf("pidfd_getfd of fd %d in runc init pid %d: %w", fd, pid, errno)
	}
	defer syscall.Close(int(copied))
	buf := make([]byte, 256)
	n, err := syscall.Pread(int(copied), buf, 0)
	if err != nil {
		return "", fmt.Errorf("reading the child's fd %d: %w", fd, err)
	}
	return string(buf[:n]), nil
}

// checkSyncSocket says whether the parent's sync fd is still what it made:
// a SOCK_SEQPACKET socket, close-on-exec, blocking.
func checkSyncSocket(s *syncSocket, i int) error {
	kind, err := syscall.GetsockoptInt(s.fd, syscall.SOL_SOCKET, syscall.SO_TYPE)
	if err != nil {
		return fmt.Errorf("SO_TYPE of the sync socket: %w", err)
	}
	fdFlags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(s.fd), syscall.F_GETFD, 0)
	if errno != 0 {
		return fmt.Errorf("F_GETFD of the sync socket: %w", errno)
	}
	flFlags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(s.fd), syscall.F_GETFL, 0)
	if errno != 0 {
		return fmt.Errorf("F_GETFL of the sync socket: %w", errno)
	}
	say("parent %d: sync socket afterwards: seqpacket %v, cloexec %v, nonblocking %v", i,
		kind == syscall.SOCK_SEQPACKET, fdFlags&syscall.FD_CLOEXEC != 0, flFlags&syscall.O_NONBLOCK != 0)
	return nil
}
