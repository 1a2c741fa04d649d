/** The design system: every page builds from these. Styles live in theme.css. */
import './theme.css';

export { Alert } from './Alert';
export { Badge, LiveDot, ProgressBar, StatusBadge } from './Badge';
export { Button, IconButton, classNames } from './Button';
export { Card } from './Card';
export { cssVars } from './css';
export { Dialog } from './Dialog';
export { Keypad } from './Keypad';
export { CursorPager } from './CursorPager';
export { Pager } from './Pager';
export { SecretNotice } from './Secret';
export { Checkbox, Field, NumberField, NumberInput, type Option, parseNumber, SelectField, TextAreaField, TextField } from './Field';
export { type Tone, statusLabel, statusTone } from './status';
export { type Column, Table } from './Table';
export { Tabs, type TabItem } from './Tabs';
