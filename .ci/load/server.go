package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// build compiles the module's main package (found with go env GOMOD, so the
// script runs from any directory of the module) into dir.
func build(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("find the module root (go env GOMOD): %v", err)
	}
	bin := filepath.Join(dir, "wabadesk")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// server is the running binary under test.
type server struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
	done chan error
}

// startServer runs bin on a free port of 127.0.0.1 with the seeded data
// directory and waits until /readyz answers.
func startServer(ctx context.Context, bin, dir string, extra ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"--addr", addr, "--data-dir", filepath.Join(dir, "data")}, extra...)...)
	cmd.Env = append(os.Environ(), "WABADESK_LOG_LEVEL=warn", "WABADESK_DATABASE_URL=")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			return s, fmt.Errorf("server exited at start (%v); log: %s", err, s.tail())
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("server not ready after 30 s; log: %s", s.tail())
		}
	}
}

// stop sends SIGTERM (a graceful shutdown), then kills after 20 s.
func (s *server) stop() error {
	defer s.log.Close()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			return fmt.Errorf("server stopped with %v; log: %s", err, s.tail())
		}
		return nil
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("server did not stop within 20 s of SIGTERM; killed")
	}
}

// tail is the end of the server's log, for error messages.
func (s *server) tail() string {
	b, _ := os.ReadFile(s.log.Name())
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// memory is the server's resident set size now and at its peak.
type memory struct {
	IdleMB float64 `json:"idle_mb"` // after start-up and log-in, before any load
	RSSMB  float64 `json:"rss_mb"`  // VmRSS after the run
	PeakMB float64 `json:"peak_mb"` // VmHWM: the most it ever held
}

// memory reads VmRSS and VmHWM from /proc/<pid>/status (Linux).
func (s *server) memory() (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return memory{}, fmt.Errorf("read server memory: %w", err)
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			m.RSSMB = kb / 1024
		case "VmHWM":
			m.PeakMB = kb / 1024
		}
	}
	return m, sc.Err()
}

// cpu is the CPU time (user and system) the server has used so far, from
// /proc/<pid>/stat in clock ticks (USER_HZ, 100 on Linux); 0 if unreadable.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at state:
	// utime and stime are the 14th and 15th fields, so [11] and [12] here.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100)
}

// logIn logs in over HTTP like a browser (GET /login for the CSRF cookie,
// POST the form) and returns the Cookie header the staff pages need.
func logIn(ctx context.Context, base, email, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(path string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		res, err := c.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, res.Status)
		}
		return nil
	}
	if err := get("/login"); err != nil {
		return "", fmt.Errorf("log in: %w", err)
	}
	u, _ := url.Parse(base + "/")
	var csrf string
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "wabadesk_csrf" {
			csrf = ck.Value
		}
	}
	if csrf == "" {
		return "", errors.New("log in: GET /login set no wabadesk_csrf cookie")
	}
	form := url.Values{"_csrf": {csrf}, "email": {email}, "password": {password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req) // follows the 303 to the client list
	if err != nil {
		return "", fmt.Errorf("log in: %w", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/clients" {
		return "", fmt.Errorf("log in: ended at %s with %s, want /clients 200", res.Request.URL.Path, res.Status)
	}
	// Any flash was shown by that page, so the cookies taken now are the
	// steady state a browser sends on every later request.
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

// machine describes where the figures were measured.
type machine struct {
	CPUs     int     `json:"cpus"`
	CPUModel string  `json:"cpu_model"`
	MemoryGB float64 `json:"memory_gib"`
	Go       string  `json:"go"`
}

func describeMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				m.MemoryGB = kb / 1024 / 1024
			}
		}
	}
	return m
}
