// The server's refusal of a form, by the input it names: {field: message} for the inputs the form
// has, else a toast (it is about the whole thing: its state, a limit…).
function formErrors(err, fields) {
  if (err.field && fields.includes(err.field)) return { [err.field]: err.message }
  wx.showToast({ title: err.message, icon: 'none' })
  return {}
}

module.exports = { formErrors }
