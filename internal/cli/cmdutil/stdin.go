package cmdutil

import (
	"fmt"
	"io"
	"os"
)

// SpoolStdin reads stdin to its end before the local store is opened,
// into an unlinked temporary file that then serves as stdin.
//
// Why: the local store admits one ticketctl process at a time, and in
// `ticketctl tickets list -o ids | ticketctl distribute - --to detroit` the
// writer holds it until its output is read. A reader that opened the store
// before reading stdin would wait for the writer, which waits for the
// reader, until the lock times out (exit 6). Against a MongoDB server there
// is no lock, and stdin streams as usual. Commands that read stdin call
// this before anything opens the store; it is a no-op when stdin is a
// terminal or was spooled already.
func (f *Factory) SpoolStdin() error {
	if f.stdinSpooled || f.IO.IsStdinTTY() {
		return nil
	}
	t, err := f.Target()
	if err != nil {
		return err
	}
	if !t.Local {
		return nil
	}
	tmp, err := os.CreateTemp("", "ticketctl-stdin-*")
	if err != nil {
		return fmt.Errorf("buffer stdin: %w", err)
	}
	// Unlinked at once where the OS allows it, so nothing is left behind;
	// elsewhere Close removes it.
	removed := os.Remove(tmp.Name()) == nil
	f.closers = append(f.closers, func() {
		tmp.Close()
		if !removed {
			_ = os.Remove(tmp.Name())
		}
	})
	if _, err := io.Copy(tmp, f.IO.In); err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("buffer stdin: %w", err)
	}
	f.IO.SetIn(tmp)
	f.stdinSpooled = true
	return nil
}
