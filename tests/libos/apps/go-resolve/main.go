// go-resolve: Go's pure resolver from /etc/resolv.conf and /etc/hosts. For each argument:
// a host name is looked up ("NAME: ADDR..." sorted, or "NAME: error notfound=BOOL"), an
// http:// URL is fetched by name ("GET URL: STATUS BODY").
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
)

func main() {
	status := 0
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "http://") {
			resp, err := http.Get(a)
			if err != nil {
				fmt.Printf("GET %s: %v\n", a, err)
				status = 1
				continue
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				status = 1
			}
			fmt.Printf("GET %s: %d %s\n", a, resp.StatusCode, b)
			continue
		}
		addrs, err := net.LookupHost(a)
		if err != nil {
			var de *net.DNSError
			fmt.Printf("%s: error notfound=%v\n", a, errors.As(err, &de) && de.IsNotFound)
			if de == nil || !de.IsNotFound {
				fmt.Fprintln(os.Stderr, err)
			}
			continue
		}
		sort.Strings(addrs)
		fmt.Printf("%s: %s\n", a, strings.Join(addrs, " "))
	}
	os.Exit(status)
}
