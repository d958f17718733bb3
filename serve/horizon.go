package serve

import (
	"reflect"
	"time"

	"github.com/stagewatch/stagewatch/config"
)

// Windows returns the longest `window` and the longest `episode_gap` among
// the enabled analytics of c, read from their parameter structs by yaml key,
// so analytics added later are covered without a list to maintain.
func Windows(c *config.Config) (window, gap time.Duration) {
	for id, params := range c.Analytics {
		if !c.Enabled[id] {
			continue
		}
		v := reflect.ValueOf(params)
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			continue
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Type != reflect.TypeFor[time.Duration]() {
				continue
			}
			d := time.Duration(v.Field(i).Int())
			switch f.Tag.Get("yaml") {
			case "window":
				window = max(window, d)
			case "episode_gap":
				gap = max(gap, d)
			}
		}
	}
	return window, gap
}

// Horizon returns how much event time serve must keep to rebuild every
// window of c: the longest window, plus the longest episode gap (an episode
// stays open that long after its last match), plus the lateness bound.
func Horizon(c *config.Config) time.Duration {
	w, g := Windows(c)
	return w + g + c.Lateness
}
