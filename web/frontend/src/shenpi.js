// Entry point of every page (base.html): htmx, and the forms' small behaviours.
import 'htmx.org';
import './forms.js';
