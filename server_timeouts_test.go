package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A slow request body does not hold a connection beyond the read timeout,
// while an event stream outlives both timeouts and still delivers changes.
func TestServerTimeoutsSpareEventStreams(t *testing.T) {
	oldRead, oldWrite := readTimeout, writeTimeout
	readTimeout, writeTimeout = time.Second, 2*time.Second
	t.Cleanup(func() { readTimeout, writeTimeout = oldRead, oldWrite })
	base := startApp(t)
	addr := strings.TrimPrefix(base, "http://")

	// A body announced as 1,000 bytes that never comes.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /login HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	io.Copy(io.Discard, conn) // returns when the server closes the connection
	if held := time.Since(start); held > 5*time.Second {
		t.Fatalf("a slow body held the connection for %s (read timeout %s)", held, readTimeout)
	}

	// Log in, open the event stream, change something after both timeouts.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	post := func(path string, form url.Values) {
		t.Helper()
		u, _ := url.Parse(base)
		if len(jar.Cookies(u)) == 0 {
			res, err := hc.Get(base + "/signup")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}
		for _, c := range jar.Cookies(u) {
			if c.Name == "wabadesk_csrf" {
				form.Set("_csrf", c.Value)
			}
		}
		res, err := hc.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 400 {
			t.Fatalf("POST %s: %s", path, res.Status)
		}
	}
	post("/signup", url.Values{"organisation_name": {"Acme"}, "name": {"Ana"}, "email": {"ana@acme.test"}, "password": {"correct horse battery"}})
	res, err := hc.Get(base + "/events")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("event stream: %v %v", res, err)
	}
	defer res.Body.Close()
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: change") {
				got <- sc.Text()
				return
			}
		}
		got <- fmt.Sprint("stream ended: ", sc.Err())
	}()
	time.Sleep(writeTimeout + time.Second)
	post("/clients", url.Values{"name": {"Padaria"}, "action": {"draft"}})
	select {
	case line := <-got:
		if !strings.HasPrefix(line, "event: change") {
			t.Fatalf("after the timeouts: %s", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change event after the timeouts")
	}
}
