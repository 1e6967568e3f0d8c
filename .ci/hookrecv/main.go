// Command hookrecv is a local receiver for wabadesk's outgoing webhooks,
// for trying them out and for .ci/api-journey.sh: it checks each
// delivery's signature with the README's algorithm (delivery.Verify) and
// prints one JSON line per event: {"type", "id", "valid", "client"}.
//
//	go run ./.ci/hookrecv -addr 127.0.0.1:9999 -secret-file /tmp/secret
//
// The secret is read from the file on every request, so it can be written
// after the endpoint is created. Invalid signatures are answered 400.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"wabadesk/delivery"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9999", "host:port to listen on")
	secretFile := flag.String("secret-file", "", "file holding the endpoint's signing secret (whsec_…)")
	flag.Parse()
	var mu sync.Mutex
	out := json.NewEncoder(os.Stdout)
	http.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		secret, _ := os.ReadFile(*secretFile)
		err := delivery.Verify(strings.TrimSpace(string(secret)), r.Header.Get(delivery.SignatureHeader), body, time.Now(), 5*time.Minute)
		var e delivery.Envelope
		_ = json.Unmarshal(body, &e)
		var data struct {
			Client struct {
				ID    int64  `json:"id"`
				Stage string `json:"stage"`
			} `json:"client"`
		}
		_ = json.Unmarshal(e.Data, &data)
		mu.Lock()
		_ = out.Encode(map[string]any{"type": e.Type, "id": e.ID, "valid": err == nil, "client": data.Client.ID, "stage": data.Client.Stage})
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
