package cmdutil

import (
	"github.com/ticketctl/ticketctl/internal/fault"
)

// ErrNotConfirmed is returned when a person declines a confirmation.
var ErrNotConfirmed = fault.New(fault.ErrInvalid, "not confirmed: nothing was changed")

// Confirm guards a destructive or bulk change: --yes skips the question;
// on a terminal the person is asked; without a terminal the change is
// refused (exit 2) so a script never changes data it did not mean to.
func (f *Factory) Confirm(yes bool, question string) error {
	if yes {
		return nil
	}
	if !f.IO.CanPrompt() {
		return fault.WithHint(fault.Invalid("refusing to change data without confirmation: stdin is not a terminal"),
			"pass --yes to confirm in scripts")
	}
	ok, err := f.IO.Confirm(question)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotConfirmed
	}
	return nil
}
