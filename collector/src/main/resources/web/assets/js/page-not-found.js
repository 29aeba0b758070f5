// The not-found page only needs the header's trace box.
import {initNav} from './nav.js';

initNav(null);
