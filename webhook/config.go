package webhook

import (
	"bytes"
	"context"
	"os"
	"time"

	"github.com/netguard/netguard/rules"
)

// watchConfig re-reads the configuration file every ConfigPollInterval and
// applies it when its content changed. Polling (rather than fsnotify)
// follows the atomic symlink swap of a mounted ConfigMap reliably. A file
// that does not parse or validate keeps the last good configuration; the
// failure is logged and counted (netguard_config_reloads_total{result=
// "failure"}, netguard_config_last_reload_successful 0) once per content.
func (s *Server) watchConfig(ctx context.Context) error {
	if s.opts.ConfigFile == "" {
		<-ctx.Done()
		return nil
	}
	last, _ := os.ReadFile(s.opts.ConfigFile)
	t := time.NewTicker(s.opts.ConfigPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		data, err := os.ReadFile(s.opts.ConfigFile)
		if err != nil {
			if last != nil {
				s.log.Error(err, "configuration file unreadable; keeping the last good configuration", "file", s.opts.ConfigFile)
				s.reporter.ConfigReload(false)
				last = nil
			}
			continue
		}
		if last != nil && bytes.Equal(data, last) {
			continue
		}
		last = data
		cfg, err := rules.ParseConfig(data)
		if err != nil {
			s.log.Error(err, "configuration file rejected; keeping the last good configuration", "file", s.opts.ConfigFile)
			s.reporter.ConfigReload(false)
			continue
		}
		s.config.Store(cfg)
		s.cluster.ConfigChanged(cfg)
		s.refresh()
		s.reporter.ConfigReload(true)
		s.log.Info("configuration reloaded", "file", s.opts.ConfigFile)
	}
}
