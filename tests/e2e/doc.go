// Package e2e holds the end-to-end tests that run the tenders against the test guests.
package e2e
