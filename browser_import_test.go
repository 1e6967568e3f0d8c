package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserImport: staff upload a 500-row CSV, read the problems next to
// their cells, submit the rest, and watch them reach Sinch.
func TestBrowserImport(t *testing.T) {
	base := startApp(t)
	staff := newTab(t, base, "staff", 1280, 900)
	staff.signup()
	staff.open("/clients")
	staff.submit("[data-testid=import-clients]")
	staff.page("01-import-upload")

	// A file that is not the template is refused next to the field.
	bad := filepath.Join(t.TempDir(), "contacts.csv")
	if err := os.WriteFile(bad, []byte("name,phone\nPadaria,123\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	staff.do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{bad}))
	staff.submit("[data-testid=upload-import]")
	staff.expectText("[data-testid=error-file]", "Missing: project_id")

	file := filepath.Join(t.TempDir(), "book.csv")
	if err := os.WriteFile(file, []byte(importFile(500, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	staff.do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}))
	staff.submit("[data-testid=upload-import]")
	staff.expectText("[data-testid=rows]", "500")
	staff.expectText("[data-testid=submit-ready]", "490")
	staff.submit("[data-testid=problem-rows-link]")
	staff.expectText("[data-testid=import-row] [data-testid=problem-business_manager_id]", "digits only")
	staff.page("02-import-problems")
	staff.submit("[data-testid=all-rows]")
	staff.submit("[data-testid=start-import]")
	staff.waitText("[data-testid=created-count]", "490 of 490", 60*time.Second)
	staff.page("03-import-progress")
	staff.waitText("[data-testid=sinch-count]", "490 of 490", 120*time.Second)
	staff.expectText("[data-testid=not-imported]", "10 rows not imported")
	staff.shot("04-import-at-sinch")

	staff.open("/clients?stage=queued")
	staff.expectText("[data-testid=empty]", "") // none left waiting to be submitted
}

// importFile is a CSV of n clients whose first bad rows have a problem.
func importFile(n, bad int) string {
	var b strings.Builder
	b.WriteString("name,project_id,business_manager_id,mode,waba_name,company_legal_name,display_name,business_category,business_manager,region,meta_local_storage,contact_name,contact_email,language\n")
	for i := 1; i <= n; i++ {
		bm := fmt.Sprint(200000000000 + i)
		if i <= bad {
			bm = "12ab" + fmt.Sprint(i)
		}
		fmt.Fprintf(&b, "Cliente %d,%08x-9e8c-4a1f-8b4c-3e7d6f5a8b92,%s,partner,Cliente %d Ltda,,Cliente %d,RESTAURANT,,,,Maria %d,maria%d@example.com,es\n",
			i, i, bm, i, i, i, i)
	}
	return b.String()
}
