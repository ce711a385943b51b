package tickets

// SetAfterReadHook makes SetStatus call f between its read and its
// conditional write.
func SetAfterReadHook(s *Service, f func()) { s.afterRead = f }
